"""Build the wheelhouse the project image installs from, on the host, so `docker build` needs no network.

Everything `review-service[postgres]` needs, plus pycorrector (installed without its dependencies,
as the Makefile does) and the build backend for the editable install, as wheels in one folder. The
compiled extensions are stripped of debug information (spaCy, blis and thinc ship theirs: about
130 MB), and each changed wheel's RECORD is rewritten so pip still checks it. A stamp of
pyproject.toml, the Makefile's pins and the target Python lets a second run reuse the folder.

Environment markers are evaluated for the Python of the image, not the one running this script:
``--python`` names an interpreter of the same version (redis, for one, needs async-timeout below
Python 3.11.3, and Debian bookworm's Python is 3.11.2). pip runs the resolution with it.

    python deploy/wheelhouse.py build/wheelhouse [--python /usr/bin/python3]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_BACKEND = ["setuptools>=68", "wheel"]
# rapidocr asks for opencv-python, whose cv2 loads the X11/OpenGL libraries (libGL.so.1) that a server
# image does not have; the headless build is the same cv2 without them, at the same version.
HEADLESS = {"opencv_python": "opencv-python-headless", "opencv_contrib_python": "opencv-contrib-python-headless"}


def pins() -> list[str]:
    """The packages installed without dependencies, as the Makefile pins them."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    return re.findall(r"^PYCORRECTOR := (\S+)$", makefile, re.M)


def target_version(python: str) -> str:
    out = subprocess.run([python, "-c", "import platform; print(platform.python_version())"], capture_output=True)
    return out.stdout.decode().strip()


def stamp(python: str) -> str:
    parts = [(ROOT / "pyproject.toml").read_text(encoding="utf-8"), *pins(), *BUILD_BACKEND, target_version(python)]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def pip(python: str, *args: str) -> None:
    """This environment's pip, resolving for ``python`` (pip's --python)."""
    target = [] if python == sys.executable else ["--python", python]
    subprocess.run([sys.executable, "-m", "pip", "--disable-pip-version-check", *target, *args], check=True)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def strip_wheel(wheel: Path) -> bool:
    """Strip debug information from the wheel's own extension modules; False when nothing changed.

    Libraries vendored by auditwheel (``*.libs/``) are left alone: they were patched with patchelf.
    """
    strip = shutil.which("strip")
    with zipfile.ZipFile(wheel) as zf:
        names = [n for n in zf.namelist() if n.endswith(".so") and ".libs/" not in n]
        if not strip or not names:
            return False
        with tempfile.TemporaryDirectory() as tmp:
            zf.extractall(tmp)
            infos = [info for info in zf.infolist() if not info.is_dir()]
            for name in names:
                subprocess.run([strip, "--strip-debug", str(Path(tmp) / name)], check=True)
            record_name = next(n for n in zf.namelist() if n.endswith(".dist-info/RECORD"))
            rows = []
            for info in infos:
                if info.filename == record_name:
                    continue
                data = (Path(tmp) / info.filename).read_bytes()
                rows.append(f"{info.filename},{_record_hash(data)},{len(data)}")
            rows.append(f"{record_name},,")
            (Path(tmp) / record_name).write_text("\n".join(rows) + "\n", encoding="utf-8")
            out = wheel.with_suffix(".tmp")
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
                for info in infos:
                    path = Path(tmp) / info.filename
                    new.write(path, info.filename)
    out.replace(wheel)
    return True


def build(folder: Path, python: str = sys.executable) -> None:
    marker = folder / ".stamp"
    if marker.exists() and marker.read_text(encoding="utf-8") == stamp(python):
        print(f"wheelhouse: up to date ({len(list(folder.glob('*.whl')))} wheels)")
        return
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    pip(python, "wheel", "-q", "--wheel-dir", str(folder), f"{ROOT}[postgres]", *BUILD_BACKEND)
    pip(python, "wheel", "-q", "--no-deps", "--wheel-dir", str(folder), *pins())
    for own in folder.glob("review_service-*.whl"):  # the image installs the project from its source
        own.unlink()
    for wheel in sorted(folder.glob("*.whl")):
        name, version = wheel.name.split("-")[:2]
        if name in HEADLESS:
            wheel.unlink()
            pip(python, "wheel", "-q", "--no-deps", "--wheel-dir", str(folder), f"{HEADLESS[name]}=={version}")
    stripped = [w.name.split("-")[0] for w in sorted(folder.glob("*.whl")) if strip_wheel(w)]
    marker.write_text(stamp(python), encoding="utf-8")
    size = sum(w.stat().st_size for w in folder.glob("*.whl")) / 2**20
    wheels = len(list(folder.glob("*.whl")))
    print(f"wheelhouse for Python {target_version(python)}: {wheels} wheels, {size:.0f} MiB; stripped: {stripped}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "build" / "wheelhouse")
    parser.add_argument("--python", default=sys.executable, help="an interpreter like the image's (markers)")
    args = parser.parse_args()
    build(args.folder, args.python)
