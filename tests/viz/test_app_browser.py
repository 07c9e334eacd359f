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
    page.screenshot(path=str(ARTIFACTS / "app_first_step.png"), full_page=True)
    assert elapsed < 10


def _open(page, app_url, steps: int = 0) -> None:
    page.goto(app_url, wait_until="domcontentloaded")
    page.get_by_text("January 2025").first.wait_for(timeout=60_000)
    for month in MONTHS[1:steps + 1]:
        page.get_by_role("button", name="Step").click()
        page.get_by_text(f"{month} 2025").first.wait_for(timeout=10_000)


MONTHS = ("January", "February", "March", "April", "May", "June")


def test_compare_draws_the_counterfactual_and_the_difference(page, app_url):
    _open(page, app_url, steps=2)
    page.get_by_role("tab", name="Page 1").click()
    caption = page.locator("#siberia-plot-caption")
    caption.wait_for(timeout=30_000)
    assert "this run" in caption.inner_text()
    page.get_by_role("button", name="compare", exact=True).click()
    page.get_by_text("hydro_buildout_gw=20.0 (dashed), same seed").first.wait_for(timeout=30_000)
    page.get_by_text("show the difference").click()
    page.get_by_text("difference hydro_buildout_gw=20.0 − current").first.wait_for(
        timeout=30_000)


def test_replications_run_in_the_background_and_draw_bands_while_step_works(page, app_url):
    _open(page, app_url, steps=2)
    page.get_by_role("tab", name="Page 1").click()
    progress = page.locator("#siberia-replication-progress")
    # a long job (8 runs to 2050): Step works while it runs, and cancel stops it
    page.get_by_role("button", name="horizon").click()
    page.get_by_role("button", name="run 8 replications").click()
    progress.wait_for(timeout=30_000)
    page.get_by_role("button", name="Step").click()
    page.get_by_text("April 2025").first.wait_for(timeout=30_000)
    assert "running" in progress.inner_text()
    assert page.locator(".v-progress-linear").count() >= 1
    page.get_by_role("button", name="cancel").click()
    progress.wait_for(state="detached", timeout=30_000)
    # a short job (to the current date): the bar completes and the plots draw bands
    page.get_by_role("button", name="current date").click()
    page.get_by_role("button", name="run 8 replications").click()
    page.get_by_text("done: 8 runs").first.wait_for(timeout=120_000)
    page.get_by_text("median and 5–95% band of 8 replications to month 3").first.wait_for(
        timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app_bands.png"), full_page=True)
    # a Reset stops a running job and drops the bands made for the old model
    page.get_by_role("button", name="horizon").click()
    page.get_by_role("button", name="run 8 replications").click()
    page.get_by_text("running:").first.wait_for(timeout=30_000)
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("January 2025").first.wait_for(timeout=30_000)
    progress.wait_for(state="detached", timeout=30_000)
    page.get_by_text("plots: this run").first.wait_for(timeout=30_000)


def _isolated_facility() -> tuple[str, float, float]:
    """A facility with no other within 3 pick radii, and where it lies on the map image
    (fractions of width and height from the top left), as the app draws it."""
    import numpy as np

    from model import SiberiaModel
    from viz.app import DEFAULT_SEED
    from viz.atlas_map import PROJ
    from viz.map_view import PICK_RADIUS_PX, render_map

    m = SiberiaModel(rng=DEFAULT_SEED)
    _, g = render_map(m)
    ids = sorted(m.facilities)
    xy = np.array([PROJ(m.facilities[i].lon, m.facilities[i].lat) for i in ids])
    for k, fid in enumerate(ids):
        d = np.hypot(*(xy - xy[k]).T)
        d[k] = np.inf
        if fid != "smz_separation" and d.min() > 3 * PICK_RADIUS_PX * g.data_per_px:
            px, py = g.to_pixels.transform(xy[k])
            return fid, px / g.width_px, 1 - py / g.height_px
    raise AssertionError("no isolated facility")


def test_a_click_on_the_map_shows_that_facility_in_the_inspector(page, app_url):
    fid, fx, fy = _isolated_facility()
    _open(page, app_url, steps=1)
    image = page.locator("#siberia-map")
    image.wait_for(timeout=30_000)
    box = image.bounding_box()
    image.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    inspector = page.locator("#siberia-inspector")
    page.wait_for_function(
        "id => document.querySelector('#siberia-inspector')?.innerText.includes(id)", arg=fid,
        timeout=30_000)
    assert fid in inspector.inner_text()
    # its history since the page opened: at least the month stepped, with its state
    page.wait_for_function(
        "() => /\\d{4}-\\d{2}: \\w+/.test("
        "document.querySelector('#siberia-inspector-history')?.innerText ?? '')",
        timeout=30_000)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "app.png"))
