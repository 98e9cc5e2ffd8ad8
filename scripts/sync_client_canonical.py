"""Copy checks/canonical.py into the Python client, so both compute the content hash with the same code.

The service's definition stays in checks/canonical.py; the client (integrations/python) must install
without the service, so it ships a byte-for-byte copy. Run after changing checks/canonical.py;
`--check` exits 1 when the copy differs (the client's tests run the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "checks" / "canonical.py"
COPY = ROOT / "integrations" / "python" / "src" / "review_client" / "canonical.py"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the copy differs")
    args = parser.parse_args(argv)
    source = SOURCE.read_bytes()
    if args.check:
        if not COPY.exists() or COPY.read_bytes() != source:
            print(
                f"{COPY.relative_to(ROOT)} differs from {SOURCE.relative_to(ROOT)};",
                "run scripts/sync_client_canonical.py",
            )
            return 1
        return 0
    COPY.write_bytes(source)
    print(f"copied {SOURCE.relative_to(ROOT)} -> {COPY.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
