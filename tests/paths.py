"""Where the tests, their data and the repository are, for test modules at any depth under tests/."""

from __future__ import annotations

from pathlib import Path

TESTS_DIR = Path(__file__).resolve().parent
TEST_DATA = TESTS_DIR / "data"
REPO_ROOT = TESTS_DIR.parent
