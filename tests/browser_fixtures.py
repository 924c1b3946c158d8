"""Real-browser fixtures: Debian's Chromium driven by Playwright, against a real server process.

The server runs on a copy of the seeded test database (an SQLite file copy, or a PostgreSQL database made
from the test database as a template), so the browser sees committed data while the rest of the suite
keeps its rolled-back transactions. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("GUYUB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_database(name: str) -> str:
    """Copy the seeded test database for a server process; return its DATABASE_URL.

    The copy is named after the test database too, so parallel runs (pytest-xdist workers, or people with their
    own GUYUB_TEST_DB) never share one."""
    from django.db import connection, connections

    settings_dict = connection.settings_dict
    name = f"{name}_{Path(settings_dict['NAME']).name}".replace(".", "_")  # xdist: test.sqlite3_gw1
    if connection.vendor == "sqlite":
        target = ROOT / "var" / f"{name}.sqlite3"
        target.unlink(missing_ok=True)
        import sqlite3

        src = sqlite3.connect(settings_dict["NAME"])
        dst = sqlite3.connect(target)
        src.backup(dst)
        src.close()
        dst.close()
        return f"sqlite:///{target}"
    test_db = settings_dict["NAME"]
    connections.close_all()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_db}"')
    user = settings_dict["USER"] or "postgres"
    return f"postgres://{user}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{name}"


def _wait_until_listening(port: int, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    # Readiness, not timing: poll the port until the server accepts, fail fast if it died.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"test server exited: {log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"test server did not start: {log.read_text()[-2000:]}")


@pytest.fixture(scope="session")
def live_shop(django_db_setup, django_db_blocker, tmp_path_factory):
    """Base URL of a real server process on a copy of the seeded database; its DATABASE_URL for checks."""
    from guyub.demo.seed import seed_demo

    from .conftest import SMALL_COOP

    with django_db_blocker.unblock():
        # Transactional tests (run before the browser tests) flush the database: seed it again (idempotent).
        seed_demo(**SMALL_COOP)
        database_url = _copy_database("guyub_browser")
    with serve(database_url, tmp_path_factory.mktemp("server") / "server.log") as shop:
        yield shop


def _server_env(database_url: str) -> dict:
    """The environment of a process of this project (server or management command) on ``database_url``."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "guyub.settings.test",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
    }


def manage(database_url: str, *args: str) -> None:
    """Run a management command (e.g. a seed) on the server's copy of the database, as its own process."""
    subprocess.run(
        [sys.executable, "site/manage.py", *args],
        cwd=ROOT,
        env=_server_env(database_url),
        check=True,
        capture_output=True,
        timeout=120,
    )


def shell_json(database_url: str, script: str):
    """Run a set-up ``script`` (manage.py shell -c) on the server's copy of the database; what its last printed line
    says, read as JSON."""
    done = subprocess.run(
        [sys.executable, "site/manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=_server_env(database_url),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def serve(database_url: str, log: Path):
    """A real server process (runserver: one thread per request, as the audit's web workers) on ``database_url``."""
    port = _free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "site/manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
            cwd=ROOT,
            env=_server_env(database_url),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(port, proc, log)
        yield type("LiveShop", (), {"url": f"http://127.0.0.1:{port}", "database_url": database_url, "log": log})
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (scripts/chromium.sh installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread; the Django ORM refuses that unless told it is fine.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium_browser, request):
    """A fresh browser context (phone-sized when the test is marked `phone`); screenshot on the way out."""
    phone = request.node.get_closest_marker("phone") is not None
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = chromium_browser.new_context(viewport=viewport, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def login(page, base_url: str, email: str, password: str = "guyub-demo") -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
