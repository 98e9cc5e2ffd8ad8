"""Password hashing cost: strong by default, a setting, and cheap only where the test run sets it."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles

from review_service.config import Settings
from review_service.passwords import hash_password, verify_password

ARGON2_SETTINGS = ("REVIEW_PASSWORD_TIME_COST", "REVIEW_PASSWORD_MEMORY_KIB", "REVIEW_PASSWORD_PARALLELISM")


def test_production_defaults_are_rfc_9106_strength(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ARGON2_SETTINGS:
        monkeypatch.delenv(name, raising=False)  # what an operator gets without the test run's overrides
    settings = Settings()
    strong = profiles.RFC_9106_LOW_MEMORY
    assert (settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism) == (
        strong.time_cost,
        strong.memory_cost,
        strong.parallelism,
    )
    assert f"$m={strong.memory_cost},t={strong.time_cost},p={strong.parallelism}$" in hash_password("x", settings)


def test_the_cost_is_a_setting_and_every_hash_verifies_whatever_the_current_setting(tmp_path) -> None:
    cheap = Settings(data_dir=tmp_path, password_time_cost=1, password_memory_kib=8, password_parallelism=1)
    digest = hash_password("正确的口令", cheap)
    assert "$argon2id$" in digest and "$m=8,t=1,p=1$" in digest
    strong = PasswordHasher().hash("正确的口令")  # a hash made under the production defaults
    assert verify_password(digest, "正确的口令") and verify_password(strong, "正确的口令")
    assert not verify_password(digest, "错误的口令") and not verify_password(strong, "错误的口令")
    assert not verify_password("not a hash", "正确的口令") and not verify_password(None, "x")


def test_memory_too_small_for_the_lanes_is_refused_at_start(tmp_path) -> None:
    with pytest.raises(ValueError, match="REVIEW_PASSWORD_MEMORY_KIB"):
        Settings(data_dir=tmp_path, password_memory_kib=8, password_parallelism=4)


def test_this_test_run_hashes_cheaply_through_the_same_setting() -> None:
    assert "$m=8,t=1,p=1$" in hash_password("x")  # set by conftest.py for every process the run starts
