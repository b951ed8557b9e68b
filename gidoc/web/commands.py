"""``gidoc serve``, ``gidoc db`` and ``gidoc users``: thin commands over :mod:`gidoc.web`.

This module imports only click, so that every other gidoc command starts as
fast as before; each command imports the service (FastAPI, SQLAlchemy…) when
it runs, and without the ``web`` extra says how to install it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click

from gidoc.web.settings import DEFAULT_DB_URL

#: What the service needs beyond gidoc itself (the ``web`` extra).
_WEB_MODULES = ("fastapi", "uvicorn", "sqlalchemy", "alembic", "argon2", "multipart")
ROLE_NAMES = {"clerk": "填报人", "reviewer": "审核人", "admin": "管理员"}

_db_option = click.option(
    "--db",
    "db_url",
    default=DEFAULT_DB_URL,
    show_default=True,
    help="数据库：SQLite 文件（sqlite:///路径）或 PostgreSQL（postgresql://用户@主机/库名）。",
)


def _need_web() -> None:
    missing = [name for name in _WEB_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        click.echo(
            "gidoc serve 需要网络服务组件（缺少 "
            + "、".join(missing)
            + "）；请先安装：pip install 'gidoc[web]'",
            err=True,
        )
        raise SystemExit(2)


def _fail(message: str, code: int = 1) -> NoReturn:
    click.echo(message, err=True)
    raise SystemExit(code)


@contextlib.contextmanager
def _database(db_url: str) -> Iterator[Any]:
    """An engine on a database at the current schema (an empty one is migrated), closed after."""
    engine = _engine(db_url)
    try:
        yield engine
    finally:
        engine.dispose()


def _engine(db_url: str) -> Any:
    """An engine on a database at the current schema (an empty one is migrated)."""
    from gidoc.web.db.engine import DatabaseError, open_engine
    from gidoc.web.db.migrate import prepare

    engine = None
    try:
        engine = open_engine(db_url)
        prepare(engine)
    except DatabaseError as exc:
        if engine is not None:
            engine.dispose()
        _fail(str(exc), exc.exit_code)
    except Exception as exc:  # noqa: BLE001 — the driver's own errors: say which database
        if engine is not None:
            engine.dispose()
        _fail(
            f"无法打开数据库 {_shown(db_url)}：{type(exc).__name__}: {str(exc).splitlines()[0]}", 2
        )
    return engine


def _shown(db_url: str) -> str:
    """The database URL without its password (never printed)."""
    from sqlalchemy import make_url

    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "（地址无法识别）"


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="监听地址；对外服务请放在反向代理之后。"
)
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口。"
)
@_db_option
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="工作进程数（多进程建议用 PostgreSQL）。",
)
@click.option(
    "--pdf-workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="常驻的 LibreOffice 进程数（不超过 CPU 核数）。",
)
@click.option(
    "--insecure-cookies",
    is_flag=True,
    help="登录 Cookie 不加 Secure 标记；仅用于没有 HTTPS 的本机测试。",
)
def serve(
    host: str, port: int, db_url: str, workers: int, pdf_workers: int, insecure_cookies: bool
) -> None:
    """启动 gidoc 网络服务：账号、报告数据库、JSON 接口和浏览器页面。

    \b
    示例：
      gidoc serve                                     使用 ./gidoc.db（SQLite）
      gidoc serve --db postgresql://gidoc@localhost/gidoc --workers 4
    """
    _need_web()
    from gidoc.web.db.engine import DatabaseError
    from gidoc.web.serve import run
    from gidoc.web.settings import Settings

    settings = Settings(db_url=db_url, secure_cookies=not insecure_cookies, pdf_workers=pdf_workers)
    click.echo(f"gidoc 服务：http://{host}:{port}/ ，数据库 {_shown(db_url)}", err=True)
    try:
        run(settings, host, port, workers)
    except DatabaseError as exc:
        _fail(str(exc), exc.exit_code)


@click.group()
def db() -> None:
    """数据库：升级结构、备份。"""


@db.command("upgrade")
@_db_option
def db_upgrade(db_url: str) -> None:
    """把数据库升级到本版 gidoc 的结构（先备份）。"""
    _need_web()
    from gidoc.web.db.engine import DatabaseError, open_engine
    from gidoc.web.db.migrate import upgrade

    try:
        engine = open_engine(db_url)
    except DatabaseError as exc:
        _fail(str(exc), exc.exit_code)
    try:
        before, after = upgrade(engine)
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"数据库已是最新结构（{after}）")
    else:
        click.echo(f"数据库结构已从 {before or '空'} 升级到 {after}")


@db.command("backup")
@click.argument("file", type=click.Path(path_type=Path))
@_db_option
def db_backup(file: Path, db_url: str) -> None:
    """备份 SQLite 数据库到 FILE（服务运行时也可备份）；PostgreSQL 请用 pg_dump。"""
    _need_web()
    from gidoc.web.db.engine import DatabaseError
    from gidoc.web.db.migrate import backup

    with _database(db_url) as engine:
        try:
            written = backup(engine, file)
        except DatabaseError as exc:
            _fail(str(exc), exc.exit_code)
    click.echo(str(written))


@click.group()
def users() -> None:
    """账号：添加、列出、停用、重设密码。"""


def _read_password(from_stdin: bool, required: bool) -> str | None:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("标准输入中没有密码")
        return password
    if not required and not sys.stdin.isatty():
        return None
    return str(click.prompt("密码", hide_input=True, confirmation_prompt="再输入一次"))


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    required=True,
    type=click.Choice(list(ROLE_NAMES)),
    help="角色：clerk 填报人、reviewer 审核人、admin 管理员。",
)
@click.option("--agency", help="填报人所属单位（报告机关名称）；新单位会自动加入。")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取密码（一行）。")
@click.option("--token", "want_token", is_flag=True, help="同时生成 API 令牌（输出的最后一个词）。")
@_db_option
def users_add(
    name: str, role: str, agency: str | None, password_stdin: bool, want_token: bool, db_url: str
) -> None:
    """添加账号 NAME。

    没有 --password-stdin 时在终端提示输入密码；只用令牌的程序账号可以不设密码（--token，且不在终端）。

    \b
    示例：
      gidoc users add 张三 --role clerk --agency 某某局
      echo 密码 | gidoc users add 李四 --role reviewer --password-stdin
      gidoc users add 接口 --role clerk --agency 某某局 --token < /dev/null
    """
    _need_web()
    if role == "clerk" and not (agency or "").strip():
        _fail("填报人账号须用 --agency 写明所属单位")
    if role != "clerk" and agency:
        _fail(f"{ROLE_NAMES[role]}账号不属于某个单位，请去掉 --agency")
    password = _read_password(password_stdin, required=not want_token)
    from gidoc.web import auth
    from gidoc.web.db import store
    from gidoc.web.db.engine import writing

    hashed = auth.hash_password(password) if password else None
    with _database(db_url) as engine, writing(engine) as conn:
        agency_id = store.ensure_agency(conn, agency.strip()).id if agency else None
        try:
            added = store.add_user(conn, name, role, agency_id, hashed)
        except store.NameTaken:
            _fail(f"账号「{name}」已存在")
        token = auth.new_token(conn, added.id) if want_token else None
        store.log(conn, None, "user-add", f"user {name} {role}", "cli", name="命令行")
    where = f"，{added.agency}" if added.agency else ""
    click.echo(f"已添加账号 {name}（{ROLE_NAMES[role]}{where}）")
    if token:
        click.echo(f"API 令牌（只显示这一次）： {token}")


@users.command("list")
@_db_option
def users_list(db_url: str) -> None:
    """列出全部账号：名称、角色、单位、是否停用。"""
    _need_web()
    from gidoc.web.db import store
    from gidoc.web.db.engine import reading

    with _database(db_url) as engine, reading(engine) as conn:
        found = store.list_users(conn)
    for item in found:
        parts = [item.name, ROLE_NAMES.get(item.role, item.role)]
        if item.agency:
            parts.append(item.agency)
        if item.disabled:
            parts.append("已停用")
        click.echo("\t".join(parts))


@users.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="重新启用已停用的账号。")
@_db_option
def users_disable(name: str, enable: bool, db_url: str) -> None:
    """停用账号 NAME（立即退出登录，令牌失效）；--enable 重新启用。"""
    _need_web()
    from gidoc.web.db import store
    from gidoc.web.db.engine import writing

    with _database(db_url) as engine, writing(engine) as conn:
        found = store.user_by_name(conn, name)
        if found is None:
            _fail(f"没有账号「{name}」")
        store.set_disabled(conn, found.id, not enable)
        store.log(
            conn,
            None,
            "user-enable" if enable else "user-disable",
            f"user {name}",
            "cli",
            name="命令行",
        )
    click.echo(f"已{'启用' if enable else '停用'}账号 {name}")


@users.command("reset")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="从标准输入读取新密码（一行）。")
@click.option(
    "--token",
    "want_token",
    is_flag=True,
    help="作废旧的 API 令牌并生成新令牌（输出的最后一个词）。",
)
@_db_option
def users_reset(name: str, password_stdin: bool, want_token: bool, db_url: str) -> None:
    """重设账号 NAME 的密码（该账号的登录全部失效），或用 --token 换新令牌。"""
    _need_web()
    password = _read_password(password_stdin, required=not want_token)
    from gidoc.web import auth
    from gidoc.web.db import store
    from gidoc.web.db.engine import writing

    with _database(db_url) as engine, writing(engine) as conn:
        found = store.user_by_name(conn, name)
        if found is None:
            _fail(f"没有账号「{name}」")
        if password:
            store.set_password(conn, found.id, auth.hash_password(password))
        token = None
        if want_token:
            store.revoke_tokens(conn, found.id)
            token = auth.new_token(conn, found.id)
        store.log(conn, None, "user-reset", f"user {name}", "cli", name="命令行")
    if password:
        click.echo(f"已重设账号 {name} 的密码")
    if token:
        click.echo(f"新的 API 令牌（只显示这一次）： {token}")
