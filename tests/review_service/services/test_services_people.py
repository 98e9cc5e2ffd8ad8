"""The application layer for people, tokens, the dictionary, the archive and the ledger, called directly.

The routes only translate; these tests hold the rules where they now live: every refusal is a
DomainError with a stable code, a status and both messages, and a refused call changes nothing.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from review_service.archive.errors import ArchiveError
from review_service.countersign import LinkError
from review_service.db import unit_of_work
from review_service.models import ApiToken, ArchiveDocument, AuditEntry, DictionaryEntry, User
from review_service.services import api_tokens, archive, dashboard, dictionary, people
from review_service.services.context import ServiceContext
from review_service.services.errors import DomainError
from review_service.tokens import PersonTokenRefused, PublishScopeRefused, issue_admin_token
from review_service.users import create_user
from tests.api_helpers import make_settings
from tests.workflow_helpers import make_people


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    settings = make_settings(tmp_path_factory.mktemp("people"))
    make_people(settings)
    with unit_of_work(settings) as session:
        create_user(session, username="boss", role="admin", password="pw-boss-123")
    return settings


def _user(ctx: ServiceContext, username: str) -> User:
    user = ctx.session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def _count(ctx: ServiceContext, model) -> int:
    return ctx.session.scalar(select(func.count()).select_from(model))


def _refused(call, code: str, status: int) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    refused = caught.value
    assert (refused.code, refused.status) == (code, status)
    assert refused.message_zh and refused.message_en and refused.message_zh != refused.message_en
    return refused


def test_an_admin_gives_a_person_check_only_and_publish_only_to_a_service_account(settings):
    with unit_of_work(settings) as session:
        rev1, cms = _user_in(session, "rev1"), _user_in(session, "site-cms")
        with pytest.raises(PersonTokenRefused) as drafts:
            issue_admin_token(session, owner=rev1, name="x", scopes=["drafts"], ttl=None)
        assert drafts.value.code == "person_token_check_only" and drafts.value.status == 422
        with pytest.raises(PersonTokenRefused):  # publish for a person: the same, stricter rule
            issue_admin_token(session, owner=rev1, name="x", scopes=["check", "publish"], ttl=None)
        assert issue_admin_token(session, owner=rev1, name="x", scopes=["check"], ttl=None).record.scopes == ["check"]
        made = issue_admin_token(session, owner=cms, name="x", scopes=["check", "publish"], ttl=None)
        assert made.record.scopes == ["check", "publish"]
        assert isinstance(PublishScopeRefused(), DomainError)
        session.rollback()


def _user_in(session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


def test_a_refused_token_request_names_every_problem_and_stores_nothing(settings):
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        boss, before = _user(ctx, "boss"), _count(ctx, ApiToken)
        refused = _refused(
            lambda: api_tokens.issue(ctx, actor=boss, username="rev1", name="", scopes=["drafts"], days=None),
            "invalid_token_request",
            422,
        )
        assert len(refused.details) == 2 and "有效期" in refused.details[0] and "check" in refused.details[1]
        refused = _refused(
            lambda: api_tokens.issue(ctx, actor=boss, username="nobody", name="", scopes=["nope"], days=3),
            "invalid_token_request",
            422,
        )
        assert refused.details == ["请选择一个有效的用户。", "至少选择一项权限。"]
        assert _count(ctx, ApiToken) == before
        _refused(
            lambda: api_tokens.issue(ctx, actor=_user(ctx, "rev3"), username="rev1", name="", scopes=["check"], days=1),
            "forbidden",
            403,
        )
        owner, issued = api_tokens.issue(ctx, actor=boss, username="site-cms", name="", scopes=["publish"], days=1)
        assert owner.username == "site-cms" and issued.record.name == "web"
        assert session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc())).kind == "token_created"


def test_only_a_service_accounts_check_token_mints_browser_tokens(settings):
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        cms, rev1 = _user(ctx, "site-cms"), _user(ctx, "rev1")
        personal = issue_admin_token(session, owner=rev1, name="p", scopes=["check"], ttl=None).record
        _refused(
            lambda: api_tokens.mint_for_browser(ctx, issuer=personal, subject="张三", ttl_seconds=60),
            "not_a_service_account",
            403,
        )
        publish_only = issue_admin_token(session, owner=cms, name="p", scopes=["publish"], ttl=None).record
        _refused(
            lambda: api_tokens.mint_for_browser(ctx, issuer=publish_only, subject="张三", ttl_seconds=60),
            "insufficient_scope",
            403,
        )
        minter = issue_admin_token(session, owner=cms, name="m", scopes=["check", "publish"], ttl=None).record
        _refused(
            lambda: api_tokens.mint_for_browser(ctx, issuer=minter, subject="\u202e", ttl_seconds=60),
            "invalid_user",
            422,
        )
        issued = api_tokens.mint_for_browser(ctx, issuer=minter, subject=" 张三 ", ttl_seconds=10**9)
        assert issued.record.scopes == ["check"] and issued.record.name.endswith(":张三")
        session.rollback()


def test_an_admin_cannot_lock_themselves_out_and_a_bad_change_changes_nothing(settings):
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        boss = _user(ctx, "boss")
        demote = people.PersonChange(op="update", role="reviewer3")
        _refused(
            lambda: people.change_person(ctx, actor=boss, user_id=boss.id, change=demote), "cannot_demote_self", 422
        )
        _refused(
            lambda: people.change_person(ctx, actor=boss, user_id=boss.id, change=people.PersonChange("toggle_active")),
            "cannot_deactivate_self",
            422,
        )
        rev1 = _user(ctx, "rev1")
        bad_mail = people.PersonChange(op="update", role="reviewer2", email="not an address")
        _refused(lambda: people.change_person(ctx, actor=boss, user_id=rev1.id, change=bad_mail), "invalid_email", 422)
        assert (rev1.role, rev1.email) == ("reviewer1", None)
        _refused(lambda: people.change_person(ctx, actor=boss, user_id=2**40, change=demote), "user_not_found", 404)
        _refused(lambda: people.change_person(ctx, actor=rev1, user_id=rev1.id, change=demote), "forbidden", 403)
        _refused(
            lambda: people.add_person(
                ctx, actor=boss, username="bad name", role="editor", department=None, display_name=None, email=""
            ),
            "invalid_username",
            422,
        )


def test_landing_pages_follow_the_role():
    assert people.landing_path(User(role="editor")) == "/workspace"
    assert people.landing_path(User(role="admin")) == "/dashboard"
    assert people.landing_path(User(role="reviewer3")) == "/queue"


def test_only_admins_maintain_the_dictionary_and_a_bad_entry_stores_nothing(settings):
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        boss, rev3, before = _user(ctx, "boss"), _user(ctx, "rev3"), _count(ctx, DictionaryEntry)
        _refused(lambda: dictionary.add(ctx, actor=rev3, kind="allow", text="某某", data={}), "forbidden", 403)
        _refused(lambda: dictionary.add(ctx, actor=boss, kind="allow", text="某", data={}), "invalid_entry", 422)
        _refused(lambda: dictionary.add(ctx, actor=boss, kind="nonsense", text="某某", data={}), "invalid_entry", 422)
        assert _count(ctx, DictionaryEntry) == before
        entry = dictionary.add(ctx, actor=boss, kind="allow", text="某某", data={}, enabled=False)
        assert not entry.enabled
        _refused(
            lambda: dictionary.edit(
                ctx, actor=boss, entry_id=entry.id, kind="wording", text="x", data={}, enabled=True
            ),
            "kind_immutable",
            422,
        )
        dictionary.retire(ctx, actor=boss, entry_id=entry.id)
        _refused(lambda: dictionary.retire(ctx, actor=boss, entry_id=entry.id), "entry_not_found", 404)
        _refused(lambda: dictionary.entry(ctx, 2**40), "entry_not_found", 404)


def test_archive_refusals_are_domain_errors_and_only_managers_import(settings):
    assert issubclass(ArchiveError, DomainError) and issubclass(LinkError, DomainError)
    assert LinkError("link_used", "会签链接已使用", "used").status == 410
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        record = {
            "url": "https://www.example.gov.cn/a.html",
            "title": "标题",
            "content": "正文。",
            "published_at": "2024-01-02",
        }
        editor, rev3 = _user(ctx, "editor"), _user(ctx, "rev3")
        _refused(lambda: archive.import_documents(ctx, actor=editor, records=[record]), "forbidden", 403)
        _refused(lambda: archive.import_documents(ctx, actor=rev3, records=[record, record]), "duplicate_url", 422)
        assert _count(ctx, ArchiveDocument) == 0
        assert archive.import_documents(ctx, actor=rev3, records=[record]).added == 1
        _refused(lambda: archive.document(ctx, 2**40), "document_not_found", 404)
        _refused(lambda: archive.open_correction(ctx, actor=editor, document_id=-1), "document_not_found", 404)
        _refused(lambda: archive.run(ctx, 0), "recheck_not_found", 404)
        _refused(
            lambda: archive.documents(
                ctx, categories=["nope"], department=None, with_findings=False, limit=10, offset=0
            ),
            "unknown_category",
            422,
        )
        session.rollback()


def test_the_ledger_is_for_admins_and_final_reviewers_with_a_valid_range(settings):
    with unit_of_work(settings) as session:
        ctx = ServiceContext(session, settings)
        rev3, rev1 = _user(ctx, "rev3"), _user(ctx, "rev1")
        _refused(
            lambda: dashboard.ledger(ctx, user=rev1, from_date="2024-01-01", to_date="2024-12-31"), "forbidden", 403
        )
        _refused(
            lambda: dashboard.ledger(ctx, user=rev3, from_date="2024-13-01", to_date="2024-12-31"), "invalid_date", 422
        )
        _refused(
            lambda: dashboard.ledger(ctx, user=rev3, from_date="2024-12-31", to_date="2024-01-01"), "invalid_range", 422
        )
        made = dashboard.ledger(ctx, user=rev3, from_date="2024-01-01", to_date="2024-12-31")
        assert made.csv and (made.start.year, made.end.month) == (2024, 12)
        assert dashboard.overview(ctx, user=rev3).can_export and not dashboard.overview(ctx, user=rev1).can_export
