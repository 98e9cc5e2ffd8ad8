"""Command-line parts of the review loop: a person's e-mail address, the due-date reminders for cron."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from review_service.config import Settings
from review_service.db import unit_of_work
from review_service.models import Notification, User
from review_service.users import create_user
from tests.review_service.test_cli import run_cli

# Slow tier (`make test` runs it, `make test-fast` does not): runs the command line as processes of their own.
pytestmark = pytest.mark.slow


def test_user_create_with_email_stores_it_and_still_ends_with_the_password(tmp_path):
    out = run_cli(["user", "create", "wangfang", "--role", "proofreader", "--email", "wf@example.gov.cn"], tmp_path)
    assert out.returncode == 0, out.stderr
    password = out.stdout.strip().splitlines()[-1]
    assert len(password) >= 12 and " " not in password
    with unit_of_work(Settings(data_dir=tmp_path)) as session:
        user = session.scalar(select(User).where(User.username == "wangfang"))
        assert (user.email, user.email_notifications) == ("wf@example.gov.cn", True)
    bad = run_cli(["user", "create", "lisi", "--role", "editor", "--email", "not an address"], tmp_path)
    assert bad.returncode == 3 and "e-mail" in bad.stderr
    with unit_of_work(Settings(data_dir=tmp_path)) as session:
        assert session.scalar(select(User).where(User.username == "lisi")) is None


def test_notify_due_reminds_the_author_of_an_overdue_draft(tmp_path):
    from checks import Channel, DocType
    from review_service import drafts
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work as service_unit

    settings = Settings(data_dir=tmp_path)
    upgrade(settings)
    with service_unit(settings) as ctx:
        author, _ = create_user(ctx.session, username="author", role="editor", password="pw-author-123")
        drafts.create_draft(
            ctx,
            user=author,
            content=drafts.Content("标题", "正文内容。"),
            channel=Channel.WEBSITE,
            doc_type=DocType.OTHER,
            due_date=dt.date(2020, 1, 1),
        )
    out = run_cli(["notify", "due"], tmp_path)
    assert out.returncode == 0, out.stderr
    with unit_of_work(settings) as session:
        kinds = session.scalars(select(Notification.kind)).all()
    assert kinds == ["overdue"]
