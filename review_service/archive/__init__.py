"""The published archive: import pages, re-check them (回头看), report, and open correction drafts."""
