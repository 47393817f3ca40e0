"""The compare HTML report in a real headless Chromium: it renders, logs no console errors, shows its charts.

Skips when no Chromium is installed (Debian: `apt-get install chromium`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_harness_run import SUITE, dense_client, moe_client

from agentkit.agents.config import AgentConfig
from agentkit.harness.report_html import render_html
from agentkit.harness.run import run_suite
from agentkit.harness.summary import RunSetup, build_summary
from agentkit.trace import read_trace

CHROMIUM = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(name)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on PATH (Debian: apt-get install chromium)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--enable-logging=stderr", "--v=0"]


def chromium(page: Path, *extra: str) -> subprocess.CompletedProcess:
    # A profile of its own, so a test never touches (or waits on) a user's browser profile.
    profile = page.parent / "profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
                          capture_output=True, text=True, timeout=90, check=False)


def console_messages(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line]


@pytest.fixture
def report(tmp_path) -> Path:
    config = AgentConfig()
    runs = {"toy-dense": run_suite(dense_client(), "toy-dense", SUITE, config, tmp_path),
            "toy-moe": run_suite(moe_client(), "toy-moe", SUITE, config, tmp_path)}
    traces = {r.trace: read_trace(r.trace) for rs in runs.values() for r in rs}
    setup = RunSetup(suite="mini", pattern="react", thinking=False, repeats=1, agent_config=config.model_dump(),
                     models={"toy-dense": "d", "toy-moe": "m"}, versions={}, seed="none sent")
    path = tmp_path / "report.html"
    path.write_text(render_html(build_summary(setup, ["toy-dense", "toy-moe"], runs, traces)), encoding="utf-8")
    return path


def test_console_errors_are_caught(tmp_path):
    # The check below is only worth something if it sees an error when there is one.
    page = tmp_path / "broken.html"
    page.write_text('<html><body><script>console.error("planted-error")</script></body></html>')
    done = chromium(page, "--dump-dom")
    assert any("planted-error" in line for line in console_messages(done.stderr)), done.stderr[-2000:]


def test_report_renders_with_charts_and_no_console_errors(report):
    done = chromium(report, "--dump-dom")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert console_messages(done.stderr) == []
    assert dom.count("<svg") == 3 and 'id="timeline"' in dom and dom.count("<rect") >= 6
    assert 'id="decisions"' in dom and "get_weather(city='If')" in dom.replace("&#39;", "'")


def test_report_screenshot(report):
    shot = report.parent / "report.png"
    done = chromium(report, f"--screenshot={shot}", "--window-size=1200,1400", "--hide-scrollbars")
    assert done.returncode == 0 and shot.stat().st_size > 20_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
