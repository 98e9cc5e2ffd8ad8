"""Every setting the service reads is documented in .env.example and in the README's settings table."""

from __future__ import annotations

from pathlib import Path

from review_service.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_env_example_and_readme() -> None:
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    names = [f"REVIEW_{name.upper()}" for name in Settings.model_fields]
    assert [n for n in names if f"{n}=" not in env_example] == []
    assert [n for n in names if f"`{n}`" not in readme] == []
