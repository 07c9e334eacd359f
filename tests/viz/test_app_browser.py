"""The real app in headless Chromium (Debian's package, driven by Playwright).

Fails on any failed request, any response >= 400, any request to a host other than
127.0.0.1 and any page error, so a missing offline asset cannot hide behind a half page.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-quic",
                  "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url():
    port = _free_port()
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}
    proc = subprocess.Popen([sys.executable, "-m", "experiments.cli", "app", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    deadline = time.time() + 90
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        if proc.poll() is not None:
            pytest.fail(f"the app exited: {proc.stdout.read()}")
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("the app did not start listening within 90 s")
    yield f"http://127.0.0.1:{port}/"
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture()
def page(app_url):
    assert os.path.exists(CHROMIUM), "Debian's chromium is required (.ci/run installs it)"
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})

        def on_request(req):
            host = urlparse(req.url).hostname
            if req.url.startswith(("data:", "blob:")):
                return
            if host not in ("127.0.0.1",):
                problems.append(f"request to another host: {req.url}")

        pg.on("request", on_request)
        pg.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        pg.on("response", lambda r: r.status >= 400 and problems.append(
            f"HTTP {r.status}: {r.url}"))
        pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        pg.problems = problems
        yield pg
        browser.close()
    assert not problems, "\n".join(problems)


def test_the_app_renders_offline_and_step_advances_the_date(page, app_url):
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("January 2025").first.wait_for(timeout=60_000)
    page.locator("img").first.wait_for(timeout=60_000)  # the map
    page.get_by_role("button", name="Step").click()
    t0 = time.time()
    page.get_by_text("February 2025").first.wait_for(timeout=10_000)
    elapsed = time.time() - t0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"), full_page=True)
    assert elapsed < 10
