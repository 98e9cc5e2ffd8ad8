"""Locate pycorrector's data files without importing the package.

``import pycorrector`` runs its ``__init__``, which imports torch and transformers. We only
need its confusion data (same_pinyin.txt, same_stroke.txt, …), so the package is installed
with ``--no-deps`` and read by path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


class PycorrectorDataMissing(FileNotFoundError):
    pass


def pycorrector_data_dir() -> Path:
    spec = importlib.util.find_spec("pycorrector")  # finds, does not execute __init__
    if spec is None or not spec.submodule_search_locations:
        raise PycorrectorDataMissing("pycorrector is not installed (make install installs it with --no-deps)")
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    if not data.is_dir():
        raise PycorrectorDataMissing(f"pycorrector data folder not found at {data}")
    return data


def pycorrector_file(name: str) -> Path:
    path = pycorrector_data_dir() / name
    if not path.is_file():
        raise PycorrectorDataMissing(f"pycorrector data file missing: {name}")
    return path
