"""`review-service` command line: serve, check, token, db, archive, worker, sweep (all read REVIEW_*)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from review_service.archive import cli as archive_cli
from review_service.cli_lang import LANGS
from review_service.cli_lang import say as _say
from review_service.config import Settings, get_settings
from review_service.tasks import cli as tasks_cli

EXIT_BLOCK = 2
EXIT_BAD_INPUT = 3
VERDICT_ZH = {"pass": "通过", "warn": "有提示", "block": "阻断"}


def _start_checking(settings: Settings):  # type: ignore[no-untyped-def]
    """Start what checks need before anything else, on another core when there are check processes.

    A check process is spawned first and builds its engine while this process imports the web
    application, migrates and creates the first accounts: the first checks are answered there, and
    this process builds its own engine (for short checks) after the first of them, so no engine
    build shares this interpreter with the start-up.
    """
    from review_service import check_pool

    if not settings.check_processes:
        from review_service.check_service import start_engine_warmup

        start_engine_warmup()  # loads dictionaries and models while the server imports, migrates and sets up
        return None
    pool = check_pool.CheckPool.from_settings(settings)
    check_pool.install(pool)
    pool.warm()
    return pool


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")  # as uvicorn writes its own
    pool = _start_checking(settings)
    import uvicorn
    from sqlalchemy import func, select

    from review_service.api.main import create_app
    from review_service.db import upgrade
    from review_service.first_run import write_secrets
    from review_service.models import ApiToken
    from review_service.services.unit_of_work import unit_of_work
    from review_service.signing import KeyStore
    from review_service.tokens import ensure_service_account, issue_token
    from review_service.users import ensure_first_admin

    upgrade(settings)
    KeyStore(settings.data_dir / "keys").ensure()
    host, port = args.host or settings.host, args.port or settings.port
    first_token = None
    with unit_of_work(settings) as ctx:
        session = ctx.session
        admin_password = ensure_first_admin(session)
        if not session.scalar(select(func.count()).select_from(ApiToken)):
            user = ensure_service_account(session, username="default-cms")
            first_token = issue_token(
                session, user=user, name="first-run", scopes=["check"], ttl=dt.timedelta(days=settings.token_ttl_days)
            ).token
    base = f"http://{host}:{port}"
    data_dir = settings.data_dir.resolve()
    print(
        _say(
            args,
            f"发布前审校服务已启动：{base}（数据目录 {data_dir}）",
            f"review-service listening on {base} (data: {data_dir})",
        )
    )
    print(
        _say(
            args,
            f"网页（审核队列与撰稿工作台）：{base}/   接口文档：{base}/docs",
            f"Web: {base}/   API docs: {base}/docs",
        )
    )
    if admin_password or first_token:
        secrets = write_secrets(settings.data_dir, admin_password=admin_password, api_token=first_token)
        if args.lang == "en":
            made = [n for n, v in (("admin's one-time password", admin_password), ("an API token", first_token)) if v]
            print(f"First run: {' and '.join(made)} written to {secrets.resolve()} (readable by this account only)")
        else:
            made = [n for n, v in (("管理员 admin 的一次性密码", admin_password), ("一个 API 令牌", first_token)) if v]
            print(f"首次运行：{'和'.join(made)}已写入 {secrets.resolve()}（仅服务账户可读，用后请删除）")
    if not first_token:
        print(
            _say(
                args,
                "创建 API 令牌：review-service token create NAME",
                "Create an API token: review-service token create NAME",
            )
        )
    print(_say(args, "试一试：", "Try:"))
    print(
        f"  curl -s {base}/api/v1/check -H 'Authorization: Bearer $TOKEN' "
        "-H 'Content-Type: application/json' -d '{\"text\": \"联系电话：13800138000\"}'"
    )
    sys.stdout.flush()
    uvicorn.run(create_app(settings, migrate=False, check_processes=pool), host=host, port=port, log_level="info")
    return 0


def _read_input(path: str) -> tuple[str, str | None, list]:
    """Text, title and hidden-content findings of FILE ('-' = stdin; .docx is unpacked)."""
    from checks.docx_reader import read_docx

    if path == "-":
        return sys.stdin.read(), None, []
    data = Path(path).read_bytes()
    if path.lower().endswith(".docx"):
        content = read_docx(data)
        return content.text, content.title, list(content.hidden_findings)
    return data.decode("utf-8"), None, []


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from checks import Channel, DocType, DraftInput
    from checks.docx_reader import DocxError
    from review_service import text_limit
    from review_service.org_dictionary import overlay_of
    from review_service.services.check import PROCESS_CHECKER, check_with_hidden

    try:
        text, title, hidden = _read_input(args.file)
    except (OSError, UnicodeDecodeError, DocxError) as exc:
        print(_say(args, f"无法读取输入：{exc}", f"cannot read input: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        text_limit.enforce(text, settings.max_text_chars)
    except text_limit.TextTooLong as exc:
        print(f"{exc.code}: {_say(args, exc.message_zh, exc.message_en)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    overlay = overlay_of(settings)  # the organisation's dictionary, exactly as the API applies it
    channel = Channel(args.channel)
    draft = DraftInput(
        body=text, title=title, is_html=args.format == "html", channel=channel, doc_type=DocType(args.doc_type)
    )
    result = check_with_hidden(PROCESS_CHECKER, draft, overlay, hidden)  # as the API's /check/docx answers
    if args.json:
        payload = {"findings": [f.to_dict() for f in result.findings], "verdict": result.verdict, "stats": result.stats}
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        fields = {"body": text, "title": title or ""}
        for f in result.findings:
            source = fields.get(f.field, "")
            line, col = _line_col(source, f.start)
            snippet = source[f.start : f.end].replace("\n", "⏎")
            where = f"{line}:{col}" if f.field == "body" else f.field
            print(f"{where}\t[{f.severity.value}] {f.category}\t“{snippet}”\t{f.message}")
            if f.suggestion is not None:
                print(_say(args, f"\t建议改为：{f.suggestion}", f"\tsuggestion: {f.suggestion}"))
        count = len(result.findings)
        zh = f"结论：{VERDICT_ZH[result.verdict]}（{result.verdict}），共 {count} 处问题"
        print(_say(args, zh, f"verdict: {result.verdict} ({count} finding{'s' if count != 1 else ''})"))
    return EXIT_BLOCK if result.verdict == "block" else 0


def _token_create(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade
    from review_service.services import api_tokens
    from review_service.services.errors import DomainError
    from review_service.services.unit_of_work import unit_of_work
    from review_service.tokens import SCOPES

    scopes = sorted({s.strip() for part in args.scope for s in part.split(",") if s.strip()}) or ["check"]
    if set(scopes) - set(SCOPES):
        unknown = sorted(set(scopes) - set(SCOPES))
        print(
            _say(
                args,
                f"unknown_scope: 未知的权限范围 {unknown}；可选 {SCOPES}",
                f"unknown_scope: {unknown}; choose from {SCOPES}",
            ),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    days = args.days if args.days is not None else settings.token_ttl_days
    if days <= 0:
        print(_say(args, "invalid_days: --days 至少为 1", "invalid_days: --days must be at least 1"), file=sys.stderr)
        return EXIT_BAD_INPUT
    upgrade(settings)
    try:
        with unit_of_work(settings) as ctx:
            issued = api_tokens.issue_from_command_line(ctx, name=args.name, scopes=scopes, days=days)
            expires = issued.record.expires_at
    except DomainError as refused:  # publish for a person: they log in as themselves instead
        print(f"{refused.code}: {_say(args, refused.message_zh, refused.message_en)}: '{args.name}'", file=sys.stderr)
        return EXIT_BAD_INPUT
    zh = f"账户“{args.name}”的 API 令牌（权限 {','.join(scopes)}，{expires:%Y-%m-%d} 到期，只显示这一次）："
    en = f"API token of '{args.name}' (scopes {','.join(scopes)}, expires {expires:%Y-%m-%d}, shown only once):"
    print(_say(args, zh, en))
    print(issued.token)
    return 0


def _token_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work
    from review_service.tokens import TOKEN_PREFIX, revoke_token

    upgrade(settings)
    prefix = args.token[: len(TOKEN_PREFIX) + 6]
    with unit_of_work(settings) as ctx:
        session = ctx.session
        count = revoke_token(session, prefix=prefix)
    print(_say(args, f"已吊销 {count} 个令牌", f"revoked {count} token(s)"))
    return 0 if count else 1


def _user_create(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade
    from review_service.services import people
    from review_service.services.errors import DomainError
    from review_service.services.unit_of_work import unit_of_work
    from review_service.users import new_password

    upgrade(settings)
    prepared = new_password()  # hashed before the transaction, so a running server never waits on argon2
    try:
        with unit_of_work(settings) as ctx:
            _, password = people.add_person_from_command_line(
                ctx, username=args.username, role=args.role, department=args.department,
                display_name=args.display_name, spans_departments=args.all_departments, email=args.email,
                prepared=prepared,
            )  # fmt: skip
    except DomainError as refused:
        detail = refused.message_en
        print(_say(args, f"无法创建用户：{detail}", f"cannot create user: {detail}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    zh = f"已创建用户“{args.username}”（{args.role}）；一次性密码（首次登录须修改）："
    en = f"created user '{args.username}' ({args.role}); one-time password (to be changed at first login):"
    print(_say(args, zh, en))
    print(password)
    return 0


def _user_unlock(args: argparse.Namespace, settings: Settings) -> int:
    """For the day the only administrator has locked themselves out of the web."""
    from review_service.db import upgrade
    from review_service.services import people
    from review_service.services.errors import DomainError
    from review_service.services.unit_of_work import unit_of_work

    upgrade(settings)
    try:
        with unit_of_work(settings) as ctx:
            people.unlock_from_command_line(ctx, username=args.username)
    except DomainError as refused:
        print(f"{refused.code}: {_say(args, refused.message_zh, refused.message_en)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(_say(args, f"已解锁用户“{args.username}”", f"unlocked '{args.username}'"))
    return 0


def _keys_rotate(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.signing import KeyStore

    old, new = KeyStore(settings.data_dir / "keys").rotate()
    zh = f"签名密钥已轮换：{old or '-'} -> {new}（旧密钥仍在公开的密钥集中，已签发的回执照常可验）"
    en = f"signing key rotated: {old or '-'} -> {new} (the old key stays in the published key set)"
    print(_say(args, zh, en))
    return 0


def _receipt_verify(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.signing import KeyStore, ReceiptError, verify_receipt

    try:
        receipt = json.loads(Path(args.file).read_text(encoding="utf-8"))
        receipt = receipt.get("receipt", receipt)  # accept a whole publish-gate answer too
        keyset = (
            json.loads(Path(args.keys).read_text(encoding="utf-8"))
            if args.keys
            else KeyStore(settings.data_dir / "keys").jwks()
        )
        payload = verify_receipt(receipt, keyset, content_hash=args.content_hash, channel=args.channel)
    except (OSError, ValueError, AttributeError) as exc:  # ReceiptError is a ValueError with a code
        code = exc.code if isinstance(exc, ReceiptError) else "receipt_unreadable"
        print(_say(args, f"回执无效（{code}）：{exc}", f"INVALID ({code}): {exc}"), file=sys.stderr)
        return 1
    zh = (
        f"回执有效：稿件 {payload['draft_id']} 第 {payload['version']} 版，渠道 {payload['channel']}，"
        f"内容 {payload['content_hash']}，密钥 {payload['kid']}，有效期至 {payload['expires_at']}"
    )
    en = (
        f"VALID: draft {payload['draft_id']} version {payload['version']}, channel {payload['channel']}, "
        f"content {payload['content_hash']}, key {payload['kid']}, valid until {payload['expires_at']}"
    )
    print(_say(args, zh, en))
    return 0


def _audit_verify(args: argparse.Namespace, settings: Settings) -> int:
    from review_service import audit, audit_checkpoints
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work
    from review_service.signing import KeyStore

    upgrade(settings)
    path = Path(args.checkpoints) if args.checkpoints else audit_checkpoints.checkpoint_file(settings)
    from_file, unreadable = audit_checkpoints.read_file(path)
    try:
        jwks = json.loads(Path(args.keys).read_text(encoding="utf-8")) if args.keys else None
    except (OSError, ValueError) as exc:
        print(_say(args, f"无法读取密钥集：{exc}", f"cannot read the key set: {exc}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    jwks = jwks or KeyStore(settings.data_dir / "keys").jwks()
    with unit_of_work(settings) as ctx:
        session = ctx.session
        in_database = audit_checkpoints.stored_documents(session)
        result = audit.verify(session, checkpoint=args.checkpoint, signed=[*in_database, *from_file], jwks=jwks)
    for note in unreadable:
        print(_say(args, f"警告：{note}", f"warning: {note}"), file=sys.stderr)
    if in_database and not from_file:
        zh = f"警告：{path.name} 中没有检查点，而数据库中有（文件被删除？）"
        print(_say(args, zh, f"warning: {path.name} holds no checkpoint, the database does"), file=sys.stderr)
    if result.ok:
        zh = (
            f"审计台账完好：{result.rows} 条记录，链头 {result.head}；"
            f"{result.checkpoints} 个签名检查点（{path.name} 中 {len(from_file)} 个）覆盖至第 {result.covered_to} 条"
        )
        en = (
            f"audit ledger OK: {result.rows} rows, head {result.head}; {result.checkpoints} signed checkpoints "
            f"({len(from_file)} in {path.name}) cover rows up to {result.covered_to}"
        )
        print(_say(args, zh, en))
        return 0
    print(
        _say(args, f"审计台账已被篡改或不完整：{result.problem}", f"audit ledger BROKEN: {result.problem}"),
        file=sys.stderr,
    )
    return 1


def _audit_checkpoint(args: argparse.Namespace, settings: Settings) -> int:
    from review_service import audit_checkpoints
    from review_service.db import upgrade
    from review_service.services.unit_of_work import unit_of_work

    upgrade(settings)
    with unit_of_work(settings) as ctx:
        made = audit_checkpoints.record(ctx, reason="manual")
        last = made[-1].last_row_id if made else None
    if last:
        print(_say(args, f"已签署检查点，覆盖至第 {last} 条", f"signed checkpoint up to row {last}"))
    else:
        print(_say(args, "自上一个检查点以来没有新记录", "nothing new to sign since the last checkpoint"))
    return 0


def _notify_due(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade
    from review_service.due_reminders import run_due_sweep

    upgrade(settings)
    result = run_due_sweep(settings)
    zh = f"即将到期提醒 {result.due_soon} 条，超期提醒 {result.overdue} 条"
    print(_say(args, zh, f"due-soon reminders: {result.due_soon}, overdue reminders: {result.overdue}"))
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from review_service.db import upgrade

    upgrade(settings)
    where = settings.sqlalchemy_url.split("@")[-1]
    print(_say(args, f"数据库已是最新结构：{where}", f"database at head: {where}"))
    return 0


def _engine_cache(args: argparse.Namespace, settings: Settings) -> int:
    """Build the check engine once so its derived tables land in the build cache before the first start.

    Run by `make install` (as a compiler would be): `serve` then loads instead of builds, on any data
    directory. A code or dictionary change makes a new key, so a stale cache is never read.
    """
    import time

    from review_service import engines
    from review_service.check_service import get_check_engine

    folder = settings.build_cache_dir
    engines.use_build_cache(folder)
    started = time.monotonic()
    get_check_engine(None)
    took = time.monotonic() - started
    print(
        _say(
            args,
            f"检查引擎构建缓存已就绪：{folder}（用时 {took:.1f} 秒）",
            f"check engine build cache ready: {folder} ({took:.1f} s)",
        )
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="review-service", description="发布前审校服务 pre-publication review")
    parser.add_argument(
        "--lang", choices=LANGS, default=None, help="提示信息的语言（默认 REVIEW_LANG，否则 zh）/ message language"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="启动服务（HTTP API 与网页）")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=_serve)

    check = sub.add_parser("check", help="检查一个文件（.txt、.html、.docx），'-' 表示标准输入")
    check.add_argument("file")
    check.add_argument("--channel", default="website", choices=["website", "new_media", "internal"])
    check.add_argument(
        "--doc-type",
        default="other",
        choices=["normative", "notice", "publicity", "news", "interpretation", "reply", "other"],
    )
    check.add_argument("--format", choices=["text", "html"], default=None, help="默认按文件扩展名")
    check.add_argument("--json", action="store_true", help="以 JSON 输出问题清单")
    check.set_defaults(func=_check)

    token = sub.add_parser("token", help="管理 API 令牌").add_subparsers(dest="token_command", required=True)
    create = token.add_parser("create", help="为服务账户 NAME 创建令牌（令牌单独打印在最后一行）")
    create.add_argument("name")
    create.add_argument("--scope", action="append", default=[], help="check、drafts、publish（可重复或用逗号连接）")
    create.add_argument("--days", type=int, default=None, help="有效天数")
    create.set_defaults(func=_token_create)
    revoke = token.add_parser("revoke", help="吊销令牌（令牌本身或其前 10 个字符）")
    revoke.add_argument("token")
    revoke.set_defaults(func=_token_revoke)

    user = sub.add_parser("user", help="管理人员").add_subparsers(dest="user_command", required=True)
    user_create = user.add_parser("create", help="创建人员；最后一行打印一次性密码")
    user_create.add_argument("username")
    user_create.add_argument(
        "--role", required=True, help="editor, proofreader, reviewer1, reviewer2, reviewer3, admin"
    )
    user_create.add_argument("--department")
    user_create.add_argument("--display-name")
    user_create.add_argument("--all-departments", action="store_true", help="可查看所有部门的稿件")
    user_create.add_argument("--email", help="接收消息提醒的电子邮箱（可选；不填则不发邮件）")
    user_create.set_defaults(func=_user_create)
    user_unlock = user.add_parser("unlock", help="解除因多次输错密码造成的锁定")
    user_unlock.add_argument("username")
    user_unlock.set_defaults(func=_user_unlock)

    keys = sub.add_parser("keys", help="回执签名密钥").add_subparsers(dest="keys_command", required=True)
    keys.add_parser("rotate", help="换用新密钥签名；旧密钥继续公开").set_defaults(func=_keys_rotate)

    receipt = sub.add_parser("receipt", help="发布回执").add_subparsers(dest="receipt_command", required=True)
    receipt_verify = receipt.add_parser("verify", help="离线验证回执文件")
    receipt_verify.add_argument("file")
    receipt_verify.add_argument("--keys", help="a saved key set (GET /api/v1/keys); default: this data dir's keys")
    receipt_verify.add_argument("--content-hash", help="also require the receipt to be for this content hash")
    receipt_verify.add_argument("--channel", help="also require the receipt to be for this channel")
    receipt_verify.set_defaults(func=_receipt_verify)

    audit_cmd = sub.add_parser("audit", help="审计台账").add_subparsers(dest="audit_command", required=True)
    audit_verify = audit_cmd.add_parser("verify", help="校验哈希链与签名检查点")
    audit_verify.add_argument("--checkpoint", help="a head hash printed earlier: prove no later cut-off")
    audit_verify.add_argument("--checkpoints", help="checkpoint file to read (default: the one in the data directory)")
    audit_verify.add_argument("--keys", help="a saved key set (GET /api/v1/keys); default: this data dir's keys")
    audit_verify.set_defaults(func=_audit_verify)
    audit_cmd.add_parser("checkpoint", help="立即签署审计台账检查点（供 cron 调用）").set_defaults(
        func=_audit_checkpoint
    )

    notify = sub.add_parser("notify", help="消息提醒").add_subparsers(dest="notify_command", required=True)
    notify.add_parser("due", help="立即发送即将到期 / 超期提醒（供 cron 调用）").set_defaults(func=_notify_due)

    sub.add_parser("engine-cache", help="预先构建检查引擎的构建缓存（安装后运行一次，服务首次启动更快）").set_defaults(
        func=_engine_cache
    )
    db = sub.add_parser("db", help="数据库").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="升级数据库结构").set_defaults(func=_db_upgrade)
    archive_cli.add_commands(sub)
    tasks_cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "format", "x") is None:
        args.format = "html" if str(args.file).lower().endswith((".html", ".htm")) else "text"
    try:
        settings = settings or get_settings()
    except ValidationError as exc:  # a bad REVIEW_* value: say which, not a traceback
        for error in exc.errors():
            name = "REVIEW_" + str(error["loc"][0]).upper() if error["loc"] else "REVIEW_*"
            zh = f"settings_invalid: 设置 {name} 的值无效：{error['msg']}"
            print(_say(args, zh, f"settings_invalid: invalid setting {name}: {error['msg']}"), file=sys.stderr)
        return EXIT_BAD_INPUT
    args.lang = args.lang or settings.lang
    return int(args.func(args, settings))


if __name__ == "__main__":
    sys.exit(main())
