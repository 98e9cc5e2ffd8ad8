"""Importing published pages: JSONL or a folder; bad input gets a stable code and changes nothing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from review_service.archive.errors import ArchiveError
from review_service.archive.importer import import_pages, pages_from_lines, read_folder
from review_service.db import unit_of_work, upgrade
from review_service.models import ArchiveDocument
from tests.api_helpers import make_settings
from tests.docx_factory import make_docx, para

# Slow tier (`make test` runs it, `make test-fast` does not): runs the command line as processes of their own.
pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "review_service.cli", "archive"]
GOOD = {
    "url": "https://www.example.gov.cn/a/1.html",
    "title": "关于开展春季植树活动的通知",
    "published_at": "2024-03-01",
    "department": "林业局",
    "content": "各单位：\n请于三月十二日前组织职工参加义务植树。",
}


def line(**changes: object) -> str:
    return json.dumps({**GOOD, **changes}, ensure_ascii=False)


def count(settings) -> int:
    with unit_of_work(settings) as session:
        return session.scalar(select(func.count()).select_from(ArchiveDocument))


def test_jsonl_import_is_keyed_by_url_and_updates_changed_pages_only(tmp_path):
    settings = make_settings(tmp_path)
    upgrade(settings)
    first = pages_from_lines(
        [line(), line(url="https://www.example.gov.cn/a/2.html", format="html", content="<p>通知正文</p>")],
        max_chars=10_000,
    )
    assert [p.body_format for p in first] == ["text", "html"]
    with unit_of_work(settings) as session:
        assert import_pages(session, first).as_dict()["added"] == 2
    again = pages_from_lines(
        [
            line(content=GOOD["content"] + "特此通知。"),
            line(url="https://www.example.gov.cn/a/2.html", format="html", content="<p>通知正文</p>"),
        ],
        max_chars=10_000,
    )
    with unit_of_work(settings) as session:
        result = import_pages(session, again)
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    assert count(settings) == 2


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        ('{"url": "x", "title": ', "invalid_jsonl"),
        ("[1, 2]", "invalid_document"),
        (line(content=""), "invalid_document"),
        (line(published_at="2024/03/01"), "invalid_date"),
        (line(author="张三"), "invalid_document"),
        (line(format="pdf"), "invalid_document"),
        (line(content="字" * 101), "text_too_long"),
        (line(), "duplicate_url"),
    ],
)
def test_each_bad_line_names_its_line_and_a_stable_code(bad, code):
    with pytest.raises(ArchiveError) as caught:
        pages_from_lines([line(), bad], max_chars=100)
    assert caught.value.code == code
    assert "第 2 行" in caught.value.message_zh and "line 2" in caught.value.message_en


def test_cli_rejects_a_malformed_file_without_a_traceback_and_imports_nothing(tmp_path):
    source = tmp_path / "pages.jsonl"
    source.write_text(line() + "\n" + line(url="https://www.example.gov.cn/a/9.html")[:-5] + "\n", encoding="utf-8")
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([*CLI, "import", str(source)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 3
    assert "错误 [invalid_jsonl]：第 2 行不是有效的 JSON" in out.stderr and "not valid" not in out.stderr
    assert "Traceback" not in out.stderr
    english = subprocess.run(
        [*CLI, "import", str(source)], env={**env, "REVIEW_LANG": "en"}, capture_output=True, text=True, timeout=120
    )
    assert english.returncode == 3 and "error [invalid_jsonl]: line 2 is not valid JSON" in english.stderr
    assert "第 2 行" not in english.stderr
    upgrade(make_settings(tmp_path / "data"))
    assert count(make_settings(tmp_path / "data")) == 0

    source.write_text(line() + "\n", encoding="utf-8")
    out = subprocess.run([*CLI, "import", str(source)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and "新增 1" in out.stdout


def test_folder_of_txt_html_and_docx(tmp_path):
    folder = tmp_path / "site"
    (folder / "news").mkdir(parents=True)
    (folder / "news" / "a.txt").write_text("关于防汛工作的通知\n\n各镇：请做好防汛准备。\n", encoding="utf-8")
    (folder / "b.html").write_text(
        "<html><head><title>政策解读</title></head><body><p>解读正文。</p></body></html>", encoding="utf-8"
    )
    (folder / "c.docx").write_bytes(make_docx([para("农业补贴公示"), para("公示内容如下。")]))
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4")
    pages, skipped = read_folder(
        folder,
        base_url="https://www.example.gov.cn/",
        department="办公室",
        published_at=dt.date(2023, 5, 1),
        max_chars=10_000,
    )
    by_url = {p.url: p for p in pages}
    assert skipped == ("notes.pdf",)
    assert by_url["https://www.example.gov.cn/news/a.txt"].title == "关于防汛工作的通知"
    assert by_url["https://www.example.gov.cn/news/a.txt"].body == "各镇：请做好防汛准备。"
    html = by_url["https://www.example.gov.cn/b.html"]
    assert (html.title, html.body_format, html.body) == ("政策解读", "html", "<p>解读正文。</p>")
    docx = by_url["https://www.example.gov.cn/c.docx"]
    assert docx.title == "农业补贴公示" and "公示内容如下。" in docx.body
    assert {p.department for p in pages} == {"办公室"} and {p.published_at for p in pages} == {dt.date(2023, 5, 1)}


def test_an_unreadable_docx_stops_the_whole_folder(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n正文。", encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"not a zip file at all")
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([*CLI, "import", str(folder)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 3 and "[docx_invalid]" in out.stderr and "broken.docx" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "data" / "review.db").exists()  # nothing was even opened for writing


def test_the_category_filter_knows_every_category_the_engine_emits(engine):
    from review_service.archive.errors import KNOWN_CATEGORIES, validate_categories

    assert set(engine.registry.categories) <= set(KNOWN_CATEGORIES)
    assert validate_categories(["term", "pii.phone, typo"]) == ["pii.phone", "term", "typo"]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "通知\ud800"}, "invalid_characters"),  # a lone surrogate (json.dumps escapes it)
        ({"content": "正文\u0000继续"}, "invalid_characters"),
        ({"department": "办公室\u001b"}, "invalid_characters"),
        ({"url": "https://e/\u0007"}, "invalid_characters"),
        ({"department": "部" * 121}, "invalid_department"),
        ({"url": "https://e/" + "a" * 1000}, "url_too_long"),
        ({"published_at": "2024-01-01garbage"}, "invalid_date"),
        ({"published_at": "20240101"}, "invalid_date"),
        ({"published_at": "2024-02-30"}, "invalid_date"),
    ],
)
def test_bad_jsonl_values_get_a_code_and_exit_3_with_nothing_imported(tmp_path, changes, code):
    source = tmp_path / "pages.jsonl"
    bad = json.dumps({**GOOD, **changes})  # ASCII escapes: a lone surrogate arrives as \\ud800
    source.write_text(line(url="https://e/ok") + "\n" + bad + "\n", encoding="utf-8")
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data")}
    out = subprocess.run([*CLI, "import", str(source)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 3, out.stderr
    assert f"[{code}]" in out.stderr and "Traceback" not in out.stderr
    assert "第 2 行" in out.stderr  # Chinese by default; REVIEW_LANG=en gives the English (test above)
    assert not (tmp_path / "data" / "review.db").exists()


def test_dates_with_a_time_are_taken_in_beijing(tmp_path):
    pages = pages_from_lines(
        [
            line(url="https://e/1", published_at="2024-03-01T20:00:00Z"),  # 04:00 on 2 March in Beijing
            line(url="https://e/2", published_at="2024-03-01T23:30:00+08:00"),
            line(url="https://e/3", published_at="2024-03-01 08:00"),
        ],
        max_chars=10_000,
    )
    assert [p.published_at for p in pages] == [dt.date(2024, 3, 2), dt.date(2024, 3, 1), dt.date(2024, 3, 1)]


def _folder_cli(tmp_path, folder, *extra: str):  # type: ignore[no-untyped-def]
    env = {**os.environ, "REVIEW_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [*CLI, "import", os.fsencode(folder), *extra], env=env, capture_output=True, text=True, timeout=120
    )


def test_folder_import_refuses_bad_names_and_options_without_a_traceback(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.txt").write_text("标题\n正文。", encoding="utf-8")
    long_department = _folder_cli(tmp_path, folder, "--department", "部" * 200)
    assert long_department.returncode == 3 and "[invalid_department]" in long_department.stderr
    long_url = _folder_cli(tmp_path, folder, "--base-url", "https://e/" + "a" * 1000)
    assert long_url.returncode == 3 and "[url_too_long]" in long_url.stderr
    (folder / "b.txt").write_text("标题\n正文\x00。", encoding="utf-8")
    nul = _folder_cli(tmp_path, folder)
    assert nul.returncode == 3 and "[invalid_characters]" in nul.stderr and "b.txt" in nul.stderr
    (folder / "b.txt").unlink()
    (folder / os.fsdecode(b"bad-\xff.txt")).write_text("标题\n正文。", encoding="utf-8")
    name = _folder_cli(tmp_path, folder)
    assert name.returncode == 3 and "[invalid_file_name]" in name.stderr and "bad-\\xff.txt" in name.stderr
    for out in (long_department, long_url, nul, name):
        assert "Traceback" not in out.stderr
    assert not (tmp_path / "data" / "review.db").exists()


def test_folder_import_skips_symlinks_and_refuses_huge_files_before_reading(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("机密\n不应导入的内容。", encoding="utf-8")
    folder = tmp_path / "site"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("标题\n正文。", encoding="utf-8")
    (folder / "link.txt").symlink_to(outside)
    (folder / "linked-dir").symlink_to(tmp_path, target_is_directory=True)
    pages, skipped = read_folder(folder, max_chars=100)
    assert [p.url for p in pages] == ["a.txt"]
    assert set(skipped) == {"link.txt", "linked-dir"}
    with open(folder / "sub" / "huge.txt", "wb") as f:  # sparse: big on paper, nothing read into memory
        f.truncate(50 * 1024 * 1024)
    with pytest.raises(ArchiveError) as refused:
        read_folder(folder, max_chars=100)
    assert refused.value.code == "file_too_large" and "sub/huge.txt" in refused.value.message_en


def test_folder_dates_are_beijing_dates_of_the_file_time(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    page = folder / "a.txt"
    page.write_text("标题\n正文。", encoding="utf-8")
    late_evening_utc = dt.datetime(2024, 3, 1, 20, 0, tzinfo=dt.UTC).timestamp()  # 2 March, 04:00 in Beijing
    os.utime(page, (late_evening_utc, late_evening_utc))
    pages, _ = read_folder(folder, max_chars=1000)
    assert pages[0].published_at == dt.date(2024, 3, 2)


def test_reimporting_changed_content_drops_the_old_findings(tmp_path):
    settings = make_settings(tmp_path)
    upgrade(settings)
    with unit_of_work(settings) as session:
        import_pages(session, pages_from_lines([line()], max_chars=10_000))
        doc = session.scalar(select(ArchiveDocument))
        doc.findings = [{"category": "pii.phone", "start": 0, "end": 2, "severity": "block"}]
        doc.verdict, doc.checked_hash, doc.checked_at = "block", doc.content_hash, dt.datetime.now(dt.UTC)
    with unit_of_work(settings) as session:
        import_pages(session, pages_from_lines([line(content="已更正的正文。")], max_chars=10_000))
    with unit_of_work(settings) as session:
        doc = session.scalar(select(ArchiveDocument))
        assert (doc.findings, doc.verdict, doc.checked_hash, doc.checked_at) == ([], None, None, None)
