"""Import published pages: a JSONL file of {url, title, published_at, department?, content}, or a folder.

Everything is read and validated before anything is written, so a bad line or an unreadable file
leaves the archive unchanged. Pages are keyed by URL: importing again updates changed pages only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from checks.canonical import content_hash
from checks.docx_reader import DocxError, read_docx
from review_service.archive.errors import ArchiveError
from review_service.clock import BEIJING
from review_service.models import ArchiveDocument

HTML_HINT = re.compile(r"<\s*(?:p|div|br|span|h[1-6]|table|ul|ol|li|a|strong|em|section|article)\b", re.I)
FOLDER_SUFFIXES = (".txt", ".html", ".htm", ".docx")
FIELDS = ("url", "title", "published_at", "department", "content", "format")
MAX_URL = 1000
MAX_DEPARTMENT = 120
MAX_TITLE = 1000
LOCAL = BEIJING  # publication dates are the organisation's dates
# A YYYY-MM-DD date, optionally followed by a time (and a zone); nothing else.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?", re.ASCII)
# C0 controls other than tab, newline and carriage return, DEL, and lone surrogates: no database stores them.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class Page:
    url: str
    title: str
    body: str
    body_format: str
    published_at: dt.date
    department: str | None

    @property
    def hash(self) -> str:
        return content_hash(title=self.title, body=self.body, body_format=self.body_format)


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_files: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped_files": list(self.skipped_files),
        }


def _bad(where: str | tuple[str, str], zh: str, en: str, code: str = "invalid_document") -> ArchiveError:
    where_zh, where_en = where if isinstance(where, tuple) else (where, where)
    return ArchiveError(code, f"{where_zh}：{zh}", f"{where_en}: {en}")


def check_text(value: str, name: str, where: str | tuple[str, str]) -> str:
    """Refuse control characters and lone surrogates (PostgreSQL and UTF-8 cannot store them)."""
    bad = _BAD_CHARS.search(value)
    if bad:
        raise _bad(
            where,
            f"{name} 含有不允许的控制字符或无效字符（U+{ord(bad.group()):04X}）",
            f"{name} contains a control character or an invalid character (U+{ord(bad.group()):04X})",
            "invalid_characters",
        )
    return value


def parse_date(value: object, where: str | tuple[str, str]) -> dt.date:
    """Exactly YYYY-MM-DD; a full ISO date-time is accepted too (with a zone: its date in Asia/Shanghai)."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if _DATE.fullmatch(text):
                return dt.date.fromisoformat(text)
            if _DATETIME.fullmatch(text):
                moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
                return (moment.astimezone(LOCAL) if moment.tzinfo else moment).date()
        except (ValueError, OverflowError):
            pass
    raise _bad(
        where, "published_at 须为 YYYY-MM-DD 格式的日期", "published_at must be a YYYY-MM-DD date", "invalid_date"
    )


def page_from_record(record: object, where: str, *, max_chars: int, where_en: str | None = None) -> Page:
    """Validate one JSONL record (or one API item) into a Page."""
    at = (where, where_en or where)
    if not isinstance(record, dict):
        raise _bad(at, "每行须为一个 JSON 对象", "each line must be a JSON object")
    unknown = sorted(str(k)[:40] for k in set(record) - set(FIELDS))
    if unknown:
        raise _bad(at, f"未知字段 {', '.join(unknown[:10])}", f"unknown field(s) {', '.join(unknown[:10])}")
    for name in ("url", "title", "content"):
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _bad(at, f"缺少 {name} 或其不是非空字符串", f"'{name}' is missing or not a non-empty string")
        check_text(value, name, at)
    url, title, content = record["url"].strip(), record["title"].strip(), record["content"]
    if len(url) > MAX_URL:
        raise _bad(at, f"url 超过 {MAX_URL} 个字符", f"url longer than {MAX_URL} characters", "url_too_long")
    if len(title) > MAX_TITLE:
        raise _bad(at, f"标题超过 {MAX_TITLE} 个字符", f"title longer than {MAX_TITLE} characters", "title_too_long")
    if len(content) > max_chars:
        raise _bad(at, f"正文超过 {max_chars} 字的上限", f"content exceeds {max_chars} characters", "text_too_long")
    department = record.get("department")
    if department is not None and (not isinstance(department, str) or len(department) > MAX_DEPARTMENT):
        raise _bad(
            at,
            f"department 须为不超过 {MAX_DEPARTMENT} 字的字符串",
            f"department must be a string of at most {MAX_DEPARTMENT} characters",
            "invalid_department",
        )
    if department is not None:
        check_text(department, "department", at)
    body_format = record.get("format") or ("html" if HTML_HINT.search(content) else "text")
    if body_format not in ("text", "html"):
        raise _bad(at, "format 只能是 text 或 html", "format must be text or html")
    published = parse_date(record.get("published_at"), at)
    return Page(url, title, content, body_format, published, (department or "").strip() or None)


def read_jsonl(path: Path, *, max_chars: int) -> list[Page]:
    try:
        lines = path.read_bytes().decode("utf-8-sig").split("\n")  # not splitlines: U+2028 may sit in a string
    except OSError as exc:
        raise ArchiveError("unreadable_file", f"无法读取文件 {path.name}", f"cannot read {path.name}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ArchiveError("invalid_encoding", f"{path.name} 不是 UTF-8 编码", f"{path.name} is not UTF-8") from exc
    return pages_from_lines(lines, max_chars=max_chars)


def pages_from_lines(lines: list[str], *, max_chars: int) -> list[Page]:
    pages: list[Page] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where, where_en = f"第 {number} 行", f"line {number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ArchiveError(
                "invalid_jsonl", f"第 {number} 行不是有效的 JSON", f"line {number} is not valid JSON: {exc.msg}"
            ) from exc
        except RecursionError as exc:
            raise ArchiveError(
                "invalid_jsonl", f"第 {number} 行嵌套过深", f"line {number} is nested too deeply"
            ) from exc
        page = page_from_record(record, where, max_chars=max_chars, where_en=where_en)
        if page.url in seen:
            raise _bad(
                (where, where_en),
                f"url 与第 {seen[page.url]} 行重复",
                f"url repeats line {seen[page.url]}",
                "duplicate_url",
            )
        seen[page.url] = number
        pages.append(page)
    if not pages:
        raise ArchiveError("empty_import", "没有可导入的页面", "Nothing to import")
    return pages


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>|<h1[^>]*>(.*?)</h1>", re.I | re.S)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")


def _read_file(path: Path, rel: str) -> tuple[str, str, str]:
    """Title, body and body format of one file."""
    if path.suffix.lower() == ".docx":
        try:
            content = read_docx(path.read_bytes())
        except DocxError as exc:
            raise ArchiveError(exc.code, f"{rel}：{exc.message}", f"{rel}: {exc.message_en}") from exc
        lines = [line for line in content.text.splitlines() if line.strip()]
        title = (content.title or (lines[0] if lines else "")).strip()
        return title, content.text, "text"
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArchiveError("invalid_encoding", f"{rel} 不是 UTF-8 编码", f"{rel} is not UTF-8") from exc
    if path.suffix.lower() in (".html", ".htm"):
        match = _TITLE.search(text)
        title = _TAGS.sub("", next((g for g in match.groups() if g), "")).strip() if match else ""
        body = _BODY.search(text)
        return title, body.group(1) if body else text, "html"
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return "", "", "text"
    return lines[first].strip(), "\n".join(lines[first + 1 :]).strip("\n"), "text"


def _printable(rel: str) -> str:
    """A file name as text even when it is not valid UTF-8 (undecodable bytes shown as \\xNN)."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(folder: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """Regular files under the folder (relative names, sorted), and symbolic links (never followed)."""
    files: list[tuple[Path, str]] = []
    links: list[str] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in [*dirs, *names]:
            path = base / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                links.append(rel)
            elif name in names and not name.startswith(".") and path.is_file():
                files.append((path, rel))
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
    return sorted(files, key=lambda f: f[1]), sorted(links)


def read_folder(
    folder: Path,
    *,
    base_url: str = "",
    department: str | None = None,
    published_at: dt.date | None = None,
    max_chars: int,
) -> tuple[list[Page], tuple[str, ...]]:
    """Pages from .txt/.html/.docx files (recursively); other files and symbolic links are listed as skipped."""
    if department is not None:
        if len(department) > MAX_DEPARTMENT:
            raise ArchiveError(
                "invalid_department",
                f"--department 不能超过 {MAX_DEPARTMENT} 个字符",
                f"--department must be at most {MAX_DEPARTMENT} characters",
            )
        check_text(department, "department", ("--department", "--department"))
        department = department.strip() or None
    check_text(base_url, "base-url", ("--base-url", "--base-url"))
    # UTF-8 may need 4 bytes a character; HTML markup and .docx packaging add some more.
    max_bytes = 4 * max_chars + 1_000_000
    pages: list[Page] = []
    files, links = _walk(folder)
    skipped: list[str] = [_printable(rel) for rel in links]
    for path, rel in files:
        try:
            rel.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ArchiveError(
                "invalid_file_name",
                f"文件名不是 UTF-8 编码：{_printable(rel)}",
                f"file name is not UTF-8: {_printable(rel)}",
            ) from exc
        if path.suffix.lower() not in FOLDER_SUFFIXES:
            skipped.append(rel)
            continue
        try:
            info = path.lstat()
        except OSError as exc:
            raise ArchiveError("unreadable_file", f"无法读取 {rel}", f"cannot read {rel}: {exc.strerror}") from exc
        if info.st_size > max_bytes:
            raise _bad(
                rel,
                f"文件过大（{info.st_size} 字节，上限 {max_bytes} 字节）",
                f"file too large ({info.st_size} bytes, limit {max_bytes})",
                "file_too_large",
            )
        try:
            title, body, body_format = _read_file(path, rel)
        except OSError as exc:
            raise ArchiveError("unreadable_file", f"无法读取 {rel}", f"cannot read {rel}: {exc.strerror}") from exc
        if not title or not body.strip():
            raise _bad(rel, "文件没有标题或正文", "the file has no title or no body", "empty_document")
        if len(body) > max_chars:
            raise _bad(
                rel, f"正文超过 {max_chars} 字的上限", f"content exceeds {max_chars} characters", "text_too_long"
            )
        check_text(title, "title", rel)
        check_text(body, "content", rel)
        url = base_url + rel
        if len(url) > MAX_URL:
            raise _bad(rel, f"url 超过 {MAX_URL} 个字符", f"url longer than {MAX_URL} characters", "url_too_long")
        date = published_at or dt.datetime.fromtimestamp(info.st_mtime, LOCAL).date()
        pages.append(Page(url, title[:MAX_TITLE], body, body_format, date, department))
    if not pages:
        raise ArchiveError("empty_import", "文件夹中没有 .txt、.html 或 .docx 文件", "No .txt, .html or .docx files")
    return pages, tuple(skipped)


def import_pages(session: Session, pages: list[Page]) -> ImportResult:
    """Add new URLs, update changed pages (their old findings then no longer count), keep the rest."""
    result = ImportResult()
    existing = {
        d.url: d
        for d in session.scalars(select(ArchiveDocument).where(ArchiveDocument.url.in_([p.url for p in pages])))
    }
    for page in pages:
        doc = existing.get(page.url)
        if doc is None:
            session.add(
                ArchiveDocument(
                    url=page.url,
                    title=page.title,
                    body=page.body,
                    body_format=page.body_format,
                    published_at=page.published_at,
                    department=page.department,
                    content_hash=page.hash,
                    findings=[],
                )
            )
            result.added += 1
            continue
        same = (doc.content_hash, doc.published_at, doc.department) == (page.hash, page.published_at, page.department)
        if same:
            result.unchanged += 1
            continue
        doc.title, doc.body, doc.body_format = page.title, page.body, page.body_format
        doc.published_at, doc.department, doc.content_hash = page.published_at, page.department, page.hash
        # the stored findings were for other content or another date: they no longer count
        doc.checked_hash, doc.findings, doc.verdict, doc.checked_at = None, [], None, None
        result.updated += 1
    session.flush()
    return result
