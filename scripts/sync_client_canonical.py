"""Copy checks/canonical.py and checks/html_model.py into the Python client: one content hash, one code.

The service's definition stays in checks/; the client (integrations/python) must install without
the service, so it ships byte-for-byte copies (the two modules import each other relatively). Run
after changing either; `--check` exits 1 when a copy differs (the client's tests run the same comparison).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("canonical.py", "html_model.py")
SOURCE_DIR = ROOT / "checks"
COPY_DIR = ROOT / "integrations" / "python" / "src" / "review_client"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when the copy differs")
    args = parser.parse_args(argv)
    differs = 0
    for module in MODULES:
        source, copy = SOURCE_DIR / module, COPY_DIR / module
        if args.check:
            if not copy.exists() or copy.read_bytes() != source.read_bytes():
                print(f"{copy.relative_to(ROOT)} differs from {source.relative_to(ROOT)}; run {Path(__file__).name}")
                differs = 1
            continue
        copy.write_bytes(source.read_bytes())
        print(f"copied {source.relative_to(ROOT)} -> {copy.relative_to(ROOT)}")
    return differs


if __name__ == "__main__":
    sys.exit(main())
