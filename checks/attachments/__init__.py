"""Attachments (spreadsheets, PDFs, scans, Word files): their text, where each piece sits, and its findings."""
