"""The organisation dictionary overlay is built safely by many processes (API, workers) at once."""

from __future__ import annotations

import threading

import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from review_service import org_dictionary
from review_service.db import unit_of_work
from review_service.users import create_user
from tests.api_helpers import make_settings


def test_concurrent_overlay_builds_all_succeed_and_leave_one_complete_directory(tmp_path, monkeypatch):
    settings = make_settings(tmp_path)
    gate: list[threading.Barrier] = []
    real_dump = yaml.safe_dump

    def dump_when_all_are_building(*args, **kwargs):  # type: ignore[no-untyped-def]
        gate[-1].wait(timeout=10)  # every builder is past the "does it exist?" test before any renames
        return real_dump(*args, **kwargs)

    monkeypatch.setattr(org_dictionary.yaml, "safe_dump", dump_when_all_are_building)
    from review_service.db import upgrade

    upgrade(settings)
    with unit_of_work(settings) as session:
        admin, _ = create_user(session, username="a", role="admin", department="办公室", password="pw-aaaaaaaaa")
    outcomes: list[str] = []
    reader = create_engine(settings.sqlalchemy_url)
    for round_ in range(6):  # a new fingerprint each round: each round races on a fresh build
        with unit_of_work(settings) as session:
            org_dictionary.create(
                session,
                user=session.merge(admin),
                kind="wording",
                text=f"拍脑袋决策{round_}",
                data={"reason": "不规范用语", "suggestion": "科学决策"},
            )
        gate.append(threading.Barrier(8))
        built: list[org_dictionary.Overlay] = []

        def build(built: list[org_dictionary.Overlay] = built) -> None:
            try:
                # a plain reading session (the app's SQLite sessions take the write lock at once)
                with Session(reader) as session:
                    built.append(org_dictionary.overlay(session, settings.data_dir))
                outcomes.append("ok")
            except Exception as exc:  # what the race used to raise (FileNotFoundError, OSError)
                outcomes.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=build) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(built) == 8, outcomes[-8:]
        assert {o.version for o in built} == {built[0].version}
        files = sorted(p.name for p in built[0].term_dir.iterdir())
        assert files == ["org_banned.yaml"], files
        assert f"拍脑袋决策{round_}" in (built[0].term_dir / "org_banned.yaml").read_text("utf-8")
    assert set(outcomes) == {"ok"}, [o for o in outcomes if o != "ok"][:3]
    leftovers = [p.name for p in (tmp_path / "dictionaries").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []  # every loser cleaned its staging directory up
