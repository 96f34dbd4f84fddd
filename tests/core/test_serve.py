"""The embedded default end to end: one process serves pages and runs the worker."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="exercises the embedded SQLite default; runs in the SQLite pass",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 30) -> bytes:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["HUIFANG_DATA_DIR"] = str(tmp_path)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "seed_demo", "--customers", "20", "--if-empty", "--no-progress")
    manage(env, "collectstatic", "--noinput", "-v0")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path, process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_it_serves_the_chinese_login_page_with_static_files_and_a_live_worker(
    served: tuple[str, Path, subprocess.Popen[bytes]],
) -> None:
    base, data, process = served
    page = wait_for(base + "/accounts/login/").decode()
    assert "<title>登录 · 回访</title>" in page
    css = wait_for(base + "/static/bootstrap/css/bootstrap.min.css")
    assert b"Bootstrap" in css[:200]

    deadline = time.monotonic() + 30
    beats: list[tuple[str]] = []
    while not beats and time.monotonic() < deadline:
        with sqlite3.connect(data / "huifang.sqlite3") as db:
            beats = db.execute("SELECT worker FROM core_workerheartbeat").fetchall()
        time.sleep(0.3)
    assert beats, "the embedded worker never recorded a heartbeat"

    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 0
