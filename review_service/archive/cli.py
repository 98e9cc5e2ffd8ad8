"""`review-service archive …`: import published pages, re-check them with a progress bar, export reports."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path

from review_service.archive.errors import ArchiveError
from review_service.cli_lang import say
from review_service.config import Settings

EXIT_BAD_INPUT = 3
EXIT_UNEXPECTED = 1
log = logging.getLogger(__name__)


def _lang(args: argparse.Namespace) -> str:
    return str(getattr(args, "lang", "zh"))


def guarded(command: Callable[[argparse.Namespace, Settings], int]) -> Callable[[argparse.Namespace, Settings], int]:
    """One coded line instead of a traceback, whatever goes wrong."""

    @functools.wraps(command)
    def run(args: argparse.Namespace, settings: Settings) -> int:
        from sqlalchemy.exc import DataError, IntegrityError

        try:
            return command(args, settings)
        except ArchiveError as exc:
            print(exc.line(_lang(args)), file=sys.stderr)
            return EXIT_BAD_INPUT
        except (DataError, IntegrityError) as exc:  # the database refused a value: bad input, nothing written
            error = ArchiveError(
                "database_rejected",
                "数据库拒绝了导入的内容（字段过长或含无效字符），未导入任何页面",
                f"the database refused the input ({type(exc.orig).__name__}); nothing was imported",
            )
            print(error.line(_lang(args)), file=sys.stderr)
            return EXIT_BAD_INPUT
        except KeyboardInterrupt:
            print("\n" + say(args, "已中断", "interrupted"), file=sys.stderr)
            return 130
        except Exception as exc:
            log.debug("archive command failed", exc_info=True)
            error = ArchiveError(
                "unexpected_error", f"发生意外错误（{type(exc).__name__}）", f"unexpected error ({type(exc).__name__})"
            )
            print(error.line(_lang(args)), file=sys.stderr)
            return EXIT_UNEXPECTED

    return run


def service_url(settings: Settings) -> str:
    """Where the web pages linked from a report live (REVIEW_HOST / REVIEW_PORT)."""
    host = settings.host if settings.host not in ("0.0.0.0", "::", "") else "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


POLL_S = 0.5
NO_WORKER_HINT_S = 30


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"须为 YYYY-MM-DD 日期 / must be a YYYY-MM-DD date: {value!r}") from exc


def render_bar(p, width: int = 30) -> str:  # type: ignore[no-untyped-def]
    """One line: bar, count, percent, rate and ETA (the line is redrawn in place)."""
    filled = int(width * p.percent / 100)
    rate = f"{p.rate_per_s:,.1f} 篇/秒" if p.rate_per_s else "— 篇/秒"
    eta = f"剩余 {p.eta_s:,.0f} 秒" if p.eta_s is not None else "剩余 —"
    failed = f"  失败 {p.failed_pages} 篇" if p.failed_pages else ""
    return f"[{'█' * filled}{'░' * (width - filled)}] {p.done:,}/{p.total:,} {p.percent:5.1f}%  {rate}  {eta}{failed}"


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.archive.importer import import_pages, read_folder, read_jsonl
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work

    path = Path(args.path)
    try:
        if path.is_dir():
            pages, skipped = read_folder(
                path,
                base_url=args.base_url,
                department=args.department,
                published_at=args.published_at,
                max_chars=settings.max_text_chars,
            )
        elif path.is_file():
            pages, skipped = read_jsonl(path, max_chars=settings.max_text_chars), ()
        else:
            raise ArchiveError("path_not_found", f"找不到 {path}", f"No such file or folder: {path}")
    except ArchiveError as exc:
        print(exc.line(_lang(args)), file=sys.stderr)
        return EXIT_BAD_INPUT
    upgrade(settings)
    with unit_of_work(settings) as ctx:
        session = ctx.session
        result = import_pages(session, pages)
    counts = (result.added, result.updated, result.unchanged)
    print(
        say(args, "导入完成：新增 {}，更新 {}，未变 {}", "imported: {} new, {} updated, {} unchanged").format(*counts)
    )
    if skipped:
        names = f"{', '.join(skipped[:10])}{' …' if len(skipped) > 10 else ''}"
        print(say(args, f"跳过不支持的文件 {len(skipped)} 个：{names}", f"skipped {len(skipped)} unsupported: {names}"))
    return 0


def _write_report(
    settings: Settings, run_id: int, out: Path | None, base_url: str | None = None
) -> tuple[Path, Path, int]:
    from review_service.archive.recheck import failures, get_run
    from review_service.archive.report import rows_for, to_csv, to_html
    from review_service.services.unit_of_work import unit_of_work

    folder = out or settings.data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    with unit_of_work(settings) as ctx:
        session = ctx.session
        run = get_run(session, run_id)
        rows = rows_for(session, run)
        html_text = to_html(run, rows, base_url=base_url or service_url(settings), failed=failures(session, run_id))
        csv_text = to_csv(rows)
    html_path, csv_path = folder / f"recheck-{run_id}.html", folder / f"recheck-{run_id}.csv"
    html_path.write_text(html_text, encoding="utf-8")
    csv_path.write_text("\ufeff" + csv_text, encoding="utf-8")  # BOM: Excel opens it as UTF-8
    return html_path, csv_path, len({r.document_id for r in rows})


def _progress(settings: Settings, run_id: int):  # type: ignore[no-untyped-def]
    from review_service.archive.recheck import failures, get_run, progress
    from review_service.services.unit_of_work import unit_of_work

    with unit_of_work(settings) as ctx:
        session = ctx.session
        return progress(get_run(session, run_id), failed=failures(session, run_id))


def _recheck(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.archive.recheck import run_in_process, start_recheck
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work
    from review_service.sweep import sweep

    upgrade(settings)
    try:
        with unit_of_work(settings) as ctx:
            run = start_recheck(ctx, since=args.since, categories=args.category, full=args.all)
            run_id = run.id
    except ArchiveError as exc:
        print(exc.line(_lang(args)), file=sys.stderr)
        return EXIT_BAD_INPUT
    first = _progress(settings, run_id)
    if _lang(args) == "en":
        where = "sent to workers through the task queue" if settings.broker_url else "checked in this process"
        print(f"re-check run #{run_id}: {first.in_scope} pages in scope, {first.total} to check ({where})")
        print(f"mode: {first.mode} — {first.reason}")
    else:
        where = "由任务队列分发给 worker" if settings.broker_url else "在本进程内检查"
        print(f"复查任务 #{run_id}：范围内 {first.in_scope} 篇，需检查 {first.total} 篇（{where}）")
        print(f"方式（{first.mode}）：{first.reason}")
    if args.no_wait:
        return 0
    tty = sys.stderr.isatty()

    def show(final: bool = False) -> None:
        line = render_bar(_progress(settings, run_id))
        if tty:
            print("\r" + line, end="\n" if final else "", file=sys.stderr, flush=True)
        elif final:
            print(line, file=sys.stderr, flush=True)

    if settings.broker_url:
        last_sweep = started = time.monotonic()
        warned = False
        while (current := _progress(settings, run_id)).state != "done":
            show()
            time.sleep(POLL_S)
            if not warned and current.batches_done == 0 and time.monotonic() - started > NO_WORKER_HINT_S:
                zh = "提示：还没有任何批次完成，请确认 bulk 队列有 worker 在运行（review-service worker --queues bulk）"
                en = "hint: no batch finished yet: is a bulk worker running (review-service worker --queues bulk)?"
                print("\n" + say(args, zh, en), file=sys.stderr)
                warned = True
            if time.monotonic() - last_sweep > settings.check_overdue_seconds:
                sweep(settings)  # a lost batch is re-sent even when no API process is running
                last_sweep = time.monotonic()
    else:
        run_in_process(settings, run_id, on_progress=show)
    show(final=True)
    html_path, csv_path, pages = _write_report(settings, run_id, args.out, args.base_url)
    done = _progress(settings, run_id)
    zh = f"完成：检查 {done.done} 篇，用时 {done.elapsed_s:.1f} 秒；有问题的页面 {pages} 篇"
    print(say(args, zh, f"done: {done.done} pages checked in {done.elapsed_s:.1f} s; {pages} pages with findings"))
    if done.failed_pages or done.failed_batches:
        zh = f"检查失败：{done.failed_pages} 篇页面、{done.failed_batches} 个批次未能完成检查（见报告）"
        en = (
            f"failed: {done.failed_pages} pages and {done.failed_batches} batches could not be checked (see the report)"
        )
        print(say(args, zh, en), file=sys.stderr)
    print(say(args, f"报告：{html_path}", f"report: {html_path}"))
    print(say(args, f"报告：{csv_path}", f"report: {csv_path}"))
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade

    upgrade(settings)
    try:
        html_path, csv_path, pages = _write_report(settings, args.run_id, args.out, args.base_url)
    except ArchiveError as exc:
        print(exc.line(_lang(args)), file=sys.stderr)
        return EXIT_BAD_INPUT
    print(say(args, f"有问题的页面 {pages} 篇", f"{pages} pages with findings"))
    print(say(args, f"报告：{html_path}", f"report: {html_path}"))
    print(say(args, f"报告：{csv_path}", f"report: {csv_path}"))
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    archive = sub.add_parser("archive", help="published archive: import, re-check (回头看), report")
    commands = archive.add_subparsers(dest="archive_command", required=True)
    imp = commands.add_parser("import", help="import a JSONL file or a folder of .txt/.html/.docx")
    imp.add_argument("path")
    imp.add_argument("--base-url", default="", help="folder import: URL prefix for each file's relative path")
    imp.add_argument("--department", help="folder import: the publishing department")
    imp.add_argument("--published-at", type=_date, help="folder import: publication date (default: file date)")
    imp.set_defaults(func=guarded(_import))
    recheck = commands.add_parser("recheck", help="re-check published pages and write the report")
    recheck.add_argument("--since", type=_date, help="only pages published on or after this date")
    recheck.add_argument("--category", action="append", default=[], help="report only these categories (repeat)")
    recheck.add_argument("--all", action="store_true", help="check every page, not only those a change can affect")
    recheck.add_argument("--out", type=Path, help="report folder (default: REVIEW_DATA_DIR/reports)")
    recheck.add_argument("--no-wait", action="store_true", help="start the run and return (broker mode)")
    recheck.add_argument("--base-url", help="the service's address for report links (default REVIEW_HOST:PORT)")
    recheck.set_defaults(func=guarded(_recheck))
    report = commands.add_parser("report", help="write the HTML and CSV report of a run")
    report.add_argument("run_id", type=int)
    report.add_argument("--out", type=Path)
    report.add_argument("--base-url", help="the service's address for report links (default REVIEW_HOST:PORT)")
    report.set_defaults(func=guarded(_report))
