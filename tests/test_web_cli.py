"""``gidoc users``, ``gidoc db`` and ``gidoc serve`` as an administrator types them."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner

from conftest import ROOT
from gidoc.cli import cli
from gidoc.web import commands
from gidoc.web.app import create_app
from gidoc.web.db.engine import DatabaseError, open_engine
from gidoc.web.db.migrate import backup, upgrade
from gidoc.web.db.schema import metadata
from gidoc.web.settings import Settings
from webtest import AGENCY, Service, body, sample_data


def _run(*args: str, stdin: str = "") -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_users_add_with_a_token_prints_it_as_the_last_word(db_url: str) -> None:
    code, out, err = _run(
        "users", "add", "张三", "--role", "clerk", "--agency", AGENCY,
        "--password-stdin", "--token", "--db", db_url, stdin="一个足够长的密码\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"已添加账号 张三（填报人，{AGENCY}）"
    assert lines[1].startswith("API 令牌（只显示这一次）： ")
    token = out.split()[-1]
    service = Service(create_app(Settings(db_url=db_url, secure_cookies=False)))
    client = service.client(token)
    assert client.get("/api/me").json()["agency"] == AGENCY
    assert client.post("/api/reports", content=body(sample_data())).status_code == 201
    login = service.client().post(
        "/api/login", json={"name": "张三", "password": "一个足够长的密码"}
    )
    assert login.status_code == 200
    service.app.state.engine.dispose()


def test_users_list_disable_and_reset(db_url: str) -> None:
    assert (
        _run(
            "users",
            "add",
            "王审核",
            "--role",
            "reviewer",
            "--password-stdin",
            "--db",
            db_url,
            stdin="pw\n",
        )[0]
        == 0
    )
    assert (
        _run(
            "users",
            "add",
            "张三",
            "--role",
            "clerk",
            "--agency",
            AGENCY,
            "--password-stdin",
            "--db",
            db_url,
            stdin="pw\n",
        )[0]
        == 0
    )
    assert _run("users", "list", "--db", db_url) == (
        0,
        f"张三\t填报人\t{AGENCY}\n王审核\t审核人\n",
        "",
    )
    assert _run("users", "disable", "张三", "--db", db_url) == (0, "已停用账号 张三\n", "")
    assert (
        _run("users", "list", "--db", db_url)[1]
        == f"张三\t填报人\t{AGENCY}\t已停用\n王审核\t审核人\n"
    )
    assert _run("users", "disable", "张三", "--enable", "--db", db_url) == (
        0,
        "已启用账号 张三\n",
        "",
    )
    code, out, _ = _run(
        "users", "reset", "张三", "--password-stdin", "--token", "--db", db_url, stdin="新密码\n"
    )
    assert code == 0
    assert out.splitlines()[0] == "已重设账号 张三 的密码"
    assert out.splitlines()[1].startswith("新的 API 令牌（只显示这一次）： ")


def test_users_add_refusals(db_url: str) -> None:
    assert _run("users", "add", "张三", "--role", "clerk", "--password-stdin", "--db", db_url, stdin="pw\n") == (
        1, "", "填报人账号须用 --agency 写明所属单位\n",
    )  # fmt: skip
    assert _run("users", "add", "王", "--role", "reviewer", "--agency", AGENCY, "--db", db_url)[
        2
    ] == ("审核人账号不属于某个单位，请去掉 --agency\n")
    _run(
        "users", "add", "张三", "--role", "admin", "--password-stdin", "--db", db_url, stdin="pw\n"
    )
    again = _run(
        "users", "add", "张三", "--role", "admin", "--password-stdin", "--db", db_url, stdin="pw\n"
    )
    assert again == (1, "", "账号「张三」已存在\n")
    assert _run("users", "disable", "无此人", "--db", db_url) == (1, "", "没有账号「无此人」\n")


def test_db_upgrade_and_backup(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gidoc.db'}"
    assert _run("db", "upgrade", "--db", url) == (0, "数据库结构已从 空 升级到 0001\n", "")
    assert _run("db", "upgrade", "--db", url) == (0, "数据库已是最新结构（0001）\n", "")
    _run("users", "add", "张三", "--role", "admin", "--password-stdin", "--db", url, stdin="pw\n")
    target = tmp_path / "备份.db"
    assert _run("db", "backup", str(target), "--db", url) == (0, f"{target}\n", "")
    with sqlite3.connect(target) as copy:
        assert copy.execute("select name from users").fetchall() == [("张三",)]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="pg_dump"):
        backup(open_engine("postgresql://gidoc@127.0.0.1:1/gidoc"), tmp_path / "x")
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_database_is_one_chinese_line(tmp_path: Path) -> None:
    code, _, err = _run("users", "list", "--db", "mysql://x@localhost/db")
    assert (code, err) == (2, "不支持的数据库「mysql」；请用 SQLite（默认）或 PostgreSQL\n")


def test_serve_without_the_web_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = commands.importlib.util.find_spec
    monkeypatch.setattr(
        commands.importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("fastapi", "uvicorn") else real(name, *a),
    )
    code, out, err = _run("serve")
    assert code == 2
    assert (
        err
        == "gidoc serve 需要网络服务组件（缺少 fastapi、uvicorn）；请先安装：pip install 'gidoc[web]'\n"
    )


def test_the_migrations_make_exactly_the_declared_tables(db_url: str) -> None:
    engine = open_engine(db_url)
    upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), metadata) == []
    engine.dispose()


def test_the_wheel_carries_the_migrations(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("gidoc-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "gidoc/web/db/migrations/env.py" in names
    assert "gidoc/web/db/migrations/script.py.mako" in names
    assert "gidoc/web/db/migrations/versions/0001_initial.py" in names
