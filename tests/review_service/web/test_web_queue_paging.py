"""The 待办 queue with many drafts: light membership equals the full workflow rules, paging keeps filters."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from review_service import drafts as service
from review_service import work_queue
from review_service.api.main import create_app
from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import CheckRun, Draft, DraftVersion, User
from tests.web_helpers import login
from tests.workflow_helpers import Person, make_people

BODY = "区政府召开常务会议，研究部署安全生产工作。"
COPIES = 61  # one page of 50 and a second of 12 (with the original)


@pytest.fixture()
def crowded(tmp_path) -> Iterator[tuple[Settings, dict[str, Person], list[int]]]:
    """One draft submitted through the API, then copies of it waiting at 一校 (half titled 安全)."""
    settings = Settings(data_dir=tmp_path)
    people = make_people(settings)
    with TestClient(create_app(settings)) as api:
        created = api.post("/api/v1/drafts", json={"title": "通知", "body": BODY}, headers=people["editor"].headers)
        draft_id = created.json()["id"]
        r = api.post(f"/api/v1/drafts/{draft_id}/submit", json={}, headers=people["editor"].headers)
        assert r.status_code == 200, r.text
    ids = [draft_id]
    with unit_of_work(settings) as session:
        original = session.get_one(Draft, draft_id)
        version = service.latest_version(original)
        for n in range(COPIES):
            copy_id = session.execute(
                insert(Draft)
                .values(
                    channel="website",
                    workflow="website",
                    doc_type="other",
                    author_id=original.author_id,
                    created_by_id=original.author_id,
                    department_id=original.department_id,
                    status="in_review",
                    stage="proof1",
                    run_state=original.run_state,
                    revision=original.revision,
                )
                .returning(Draft.id)
            ).scalar_one()
            version_id = session.execute(
                insert(DraftVersion)
                .values(
                    draft_id=copy_id,
                    number=1,
                    title=f"{'安全' if n % 2 else '会议'}通知{n}",
                    body=version.body,
                    body_format="text",
                    meta={},
                    content_hash=version.content_hash,
                    author_id=original.author_id,
                )
                .returning(DraftVersion.id)
            ).scalar_one()
            session.execute(insert(CheckRun).values(version_id=version_id, state="done", findings=[], stats={}))
            ids.append(copy_id)
    yield settings, people, ids


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-draft="(\d+)"', html.split('id="returned"')[0])]


def test_light_membership_equals_the_full_rules(crowded) -> None:
    settings, people, ids = crowded
    with TestClient(create_app(settings)) as api:
        r = api.post(f"/api/v1/drafts/{ids[3]}/actions", json={"action": "pass"}, headers=people["proof1"].headers)
        assert r.status_code == 200, r.text  # proof1 now holds 一校 of this draft: not theirs at 二校
        r = api.post(f"/api/v1/drafts/{ids[4]}/actions", json={"action": "claim"}, headers=people["proof2"].headers)
        assert r.status_code == 200, r.text
    with unit_of_work(settings) as session:
        for name in ("proof1", "proof2", "proof3", "rev1", "outsider", "editor"):
            user = session.scalar(select(User).where(User.username == name))
            full = [d.id for d in service.queue_for(session, user=user)]
            light = work_queue.at_my_stages(session, user=user, spanning_roles=service.DEFAULT_SPANNING_ROLES)
            assert [w.id for w in light if w.mine] == full, name
        proof1 = session.scalar(select(User).where(User.username == "proof1"))
        light = work_queue.at_my_stages(session, user=proof1, spanning_roles=service.DEFAULT_SPANNING_ROLES)
        assert ids[3] not in {w.id for w in light}
        assert [w.id for w in light if not w.mine] == [ids[4]]  # claimed by a colleague: shown apart


def test_queue_pages_keep_filters_and_the_badge_counts_everything(crowded) -> None:
    settings, _, ids = crowded
    with TestClient(create_app(settings)) as client:
        login(client, "proof1")
        first = client.get("/queue")
        assert re.search(r'id="pending-count">62<', first.text)
        shown = _rows(first.text)
        assert len(shown) == 50 and shown == ids[:50]
        assert "第 1 / 2 页" in first.text
        second = client.get("/queue?page=2")
        assert _rows(second.text) == ids[50:]
        beyond = client.get("/queue?page=99")  # past the end: the last page
        assert _rows(beyond.text) == ids[50:]
        safety = client.get("/queue?q=安全")
        titled = _rows(safety.text)
        assert len(titled) == 30 and set(titled) < set(ids)
        assert "下一页" not in safety.text
        assert client.get("/queue?page=0").status_code == 422
        assert client.get("/queue?page=abc").status_code == 422


def test_a_filtered_queue_links_its_next_page_with_the_filter(crowded) -> None:
    settings, _, ids = crowded
    with TestClient(create_app(settings)) as client:
        login(client, "proof1")
        first = client.get("/queue?stage=一校")
        link = re.search(r'href="(/queue\?[^"]+)" rel="next"', first.text)
        assert link and "stage=%E4%B8%80%E6%A0%A1" in link.group(1) and "page=2" in link.group(1)
        assert _rows(client.get(link.group(1).replace("&amp;", "&")).text) == ids[50:]
        assert _rows(client.get("/queue?stage=二校").text) == []


def test_the_draft_list_pages_newest_first(crowded) -> None:
    settings, _, ids = crowded
    with TestClient(create_app(settings)) as client:
        login(client, "editor")
        first = _rows(client.get("/drafts?mine=1").text)
        assert first == sorted(ids, reverse=True)[:50]
        second_page = client.get("/drafts?mine=1&page=2").text
        assert _rows(second_page) == sorted(ids, reverse=True)[50:]
        assert 'rel="prev"' in second_page and "mine=1" in second_page.split('rel="prev"')[0].rsplit("href=", 1)[1]
