"""China-specific Presidio recognizers, one per file; regex boundaries shared here.

``\\b`` does not separate Chinese characters from digits, so numbers are delimited by
explicit look-arounds. A ``*`` next to digits means the value is already masked.
"""

DIGITS_BEFORE = r"(?<![0-9A-Za-z*＊×@._%+\-])"
DIGITS_AFTER = r"(?![0-9A-Za-z*＊×@])"
