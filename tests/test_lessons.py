"""Every lesson runs unattended, start to finish, on the toy models; every lesson has its text.

Lessons are found by name (`lessons/NN_*.py`), so a new lesson is tested the
moment it lands. Each runs as a learner runs it: `python lessons/NN_name.py`
from the repository root, in its own process, with the real mlx_lm.server it
starts itself. Speed is not asserted here (a lesson should take under a minute
on two cores; the timeout only catches a hang).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS = REPO_ROOT / "lessons"
TIMEOUT_S = 180

# What a lesson must print besides finishing cleanly: the facts it exists to show.
EXPECTED_OUTPUT = {
    "02_raw_output": ["raw_text is the same text: True", "The <tool_call> block is gone", "usage.prompt_tokens"],
    "03_hermes_parser": ['{"name": "get_weather"', "agentkit's parser: 17/17 cases pass"],
    "04_xml_dialect": ["</function_invocation>", "agentkit's parser: 21/21 cases pass"],
    "05_thinking": ["enable_thinking=False", "tokens with thinking"],
    "06_streaming": ["naive streamer leaked", "every chunking gives the same turn: True"],
    "07_reference_check": ["calls on 5/5 real outputs", "agree on 500/500 generated calls", "disagreements"],
}


def lesson_scripts() -> list[Path]:
    return sorted(LESSONS.glob("[0-9][0-9]_*.py"))


def run_lesson(script: Path, tmp: Path) -> subprocess.CompletedProcess:
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
           # Wide enough that rich never wraps an expected line in two.
           "COLUMNS": "200",
           # The lesson's temporary files land where the test can see what it leaves behind.
           "TMPDIR": str(tmp)}
    return subprocess.run([sys.executable, str(script.relative_to(REPO_ROOT))], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)


@pytest.mark.server
@pytest.mark.parametrize("script", lesson_scripts(), ids=lambda path: path.stem)
def test_lesson_runs_unattended(script: Path, tmp_path: Path):
    done = run_lesson(script, tmp_path)
    assert done.returncode == 0, f"{script.name} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(done.stdout.splitlines()) >= 10, f"{script.name} printed almost nothing:\n{done.stdout}"
    for expected in EXPECTED_OUTPUT.get(script.stem, []):
        assert expected in done.stdout, f"{script.name} did not print {expected!r}:\n{done.stdout[-4000:]}"
    # Scratch folders and server logs go when the lesson ends; lesson 16 keeps its report for the reader.
    left = sorted(path.name for path in tmp_path.glob("agentkit-*") if not path.name.startswith("agentkit-lesson16-"))
    assert left == [], f"{script.name} left temporary files behind: {left}"


def test_lessons_were_found():
    assert len(lesson_scripts()) >= 2


def test_every_lesson_script_has_its_text():
    missing = [script.name for script in lesson_scripts() if not script.with_suffix(".md").is_file()]
    assert missing == [], f"lesson scripts without a lesson text (.md): {missing}"


def test_every_lesson_text_is_listed_in_the_index():
    index = (LESSONS / "README.md").read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\((\d\d_[\w-]+\.md)\)", index))
    texts = {path.name for path in LESSONS.glob("[0-9][0-9]_*.md")}
    assert texts - linked == set(), f"lesson texts missing from lessons/README.md: {sorted(texts - linked)}"
    assert linked - texts == set(), f"lessons/README.md links to texts that do not exist: {sorted(linked - texts)}"


def test_lesson_numbers_are_unique():
    numbers = [path.name[:2] for path in lesson_scripts()]
    assert len(numbers) == len(set(numbers)), f"two lesson scripts share a number: {numbers}"
