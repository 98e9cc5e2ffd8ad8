"""Check family package."""
