"""Office Open XML packages (.docx, .xlsx): opened safely, read without the help of what they hide."""
