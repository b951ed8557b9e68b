"""A server killed with SIGKILL during saves loses none that it had answered 200/201."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2
import pytest
from click.testing import CliRunner

from gidoc.cli import cli
from webtest import AGENCY, free_port, sample_data


def _start(db_url: str, port: int, folder: Path) -> subprocess.Popen[bytes]:
    with (folder / "server.log").open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "gidoc", "serve", "--port", str(port), "--db", db_url],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx2.TransportError:
            time.sleep(0.1)
    server.kill()
    raise AssertionError("gidoc serve did not start within 60 s")


@pytest.fixture
def token(db_url: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["users", "add", "张三", "--role", "clerk", "--agency", AGENCY, "--token", "--db", db_url],
        input="",
    )
    assert result.exit_code == 0, result.output
    return result.stdout.split()[-1]


def test_kill_9_during_saves_loses_nothing_answered(
    db_url: str, token: str, tmp_path: Path
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    server = _start(db_url, port, tmp_path)
    acknowledged: dict[int, str] = {}
    try:
        with httpx2.Client(base_url=base, headers=headers, timeout=10) as client:
            data = sample_data()
            created = client.post("/api/reports", content=json.dumps(data, ensure_ascii=False))
            assert created.status_code == 201
            report_id, version = created.json()["id"], 1
            acknowledged[1] = data["problems"]

            def save_until_killed() -> None:
                nonlocal version
                n = 0
                while True:
                    n += 1
                    data["problems"] = f"第 {n} 次保存"
                    try:
                        answer = client.put(
                            f"/api/reports/{report_id}",
                            content=json.dumps(data, ensure_ascii=False),
                            headers={"If-Match": f'"{version}"'},
                        )
                    except httpx2.TransportError:
                        return
                    assert answer.status_code == 200, answer.text
                    version = answer.json()["version"]
                    acknowledged[version] = data["problems"]

            saver = threading.Thread(target=save_until_killed)
            saver.start()
            while len(acknowledged) < 30:
                time.sleep(0.01)
            os.kill(server.pid, signal.SIGKILL)
            saver.join(30)
            assert not saver.is_alive()
    finally:
        server.kill()
        server.wait()
    server = _start(db_url, port, tmp_path)
    try:
        with httpx2.Client(base_url=base, headers=headers, timeout=10) as client:
            head = client.get(f"/api/reports/{report_id}").json()
            assert head["version"] >= max(acknowledged)
            for number, problems in acknowledged.items():
                stored = client.get(f"/api/reports/{report_id}/versions/{number}")
                assert stored.status_code == 200
                assert stored.json()["data"]["problems"] == problems
            # The service goes on from where it was: the next save names the latest version.
            again = client.put(
                f"/api/reports/{report_id}",
                content=json.dumps(sample_data(), ensure_ascii=False),
                headers={"If-Match": f'"{head["version"]}"'},
            )
            assert again.status_code == 200
    finally:
        server.terminate()
        server.wait(30)
    # The service's log says what was asked, never who with which token, nor what a report says.
    log = (tmp_path / "server.log").read_text(encoding="utf-8")
    assert "PUT /api/reports/" in log
    assert token not in log
    assert "次保存" not in log
