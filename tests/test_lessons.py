"""Every lesson runs unattended, start to finish, on the toy models; every lesson has its text.

Lessons are found by name (`lessons/NN_*.py`), so a new lesson is tested the
moment it lands. Each runs as a learner runs it: `python lessons/NN_name.py`
from the repository root, in its own process, with the real mlx_lm.server it
starts itself. The same run checks what the lesson's text says about it:
every number the text quotes from the lesson's printed facts
(lessons/facts.py: counts exactly, times within a tolerance, the run time
included), and that every line fits 80 columns with no cell cut off.
After the toy models change, `python lessons/facts.py --update` rewrites the
quoted numbers from a fresh run.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

REPO_ROOT = Path(__file__).resolve().parent.parent
LESSONS = REPO_ROOT / "lessons"
TIMEOUT_S = 300
CUT_OFF = re.compile(r"…\s*[│┃─]")
sys.path.insert(0, str(LESSONS))
import course_map  # noqa: E402  (lessons/course_map.py)
import facts  # noqa: E402  (lessons/facts.py)

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
    return facts.lesson_scripts()


@pytest.mark.server
@pytest.mark.parametrize("script", lesson_scripts(), ids=lambda path: path.stem)
def test_lesson_runs_unattended(script: Path, tmp_path: Path):
    done, wall_s = facts.run_lesson(script, tmp_path, TIMEOUT_S)
    assert done.returncode == 0, f"{script.name} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(done.stdout.splitlines()) >= 10, f"{script.name} printed almost nothing:\n{done.stdout}"
    # Rich wraps long lines at 80 columns: look for the expected text with the line breaks taken out.
    flat = " ".join(done.stdout.split())
    for expected in EXPECTED_OUTPUT.get(script.stem, []):
        assert expected in flat, f"{script.name} did not print {expected!r}:\n{done.stdout[-4000:]}"
    # A line with no space is a path or a URL, kept whole so it can be copied.
    too_wide = [line for line in done.stdout.splitlines() if cell_len(line) > facts.COLUMNS and " " in line.strip()]
    assert too_wide == [], f"{script.name} printed lines wider than {facts.COLUMNS} columns:\n" + "\n".join(too_wide)
    # Rich marks a cell or a title it had to cut with "…" right before a border or a rule's line.
    cut = [line for line in done.stdout.splitlines() if CUT_OFF.search(line)]
    assert cut == [], f"{script.name} cut a table cell or a title off:\n" + "\n".join(cut)
    text = script.with_suffix(".md").read_text(encoding="utf-8")
    stale = facts.disagreements(text, facts.facts_of_run(done.stdout, wall_s))
    assert stale == [], (f"{script.with_suffix('.md').name} disagrees with this run (after the toy models change, "
                         f"run: python lessons/facts.py --update {script.stem[:2]}):\n" + "\n".join(stale))
    # Scratch folders and server logs go when the lesson ends; lesson 18 keeps its report for the reader.
    left = sorted(path.name for path in tmp_path.glob("agentkit-*") if not path.name.startswith("agentkit-lesson18-"))
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


def test_every_lesson_title_carries_its_file_number():
    # Lessons get renumbered when one is inserted; a title left behind sends the learner to the wrong lesson.
    titles = {p.name: p.read_text(encoding="utf-8").splitlines()[0] for p in sorted(LESSONS.glob("[0-9][0-9]_*.md"))}
    wrong = [f"{name}: {title}" for name, title in titles.items() if not title.startswith(f"# {name[:2]} · ")]
    assert wrong == [], "lesson titles whose number is not their file's (# NN · Title):\n" + "\n".join(wrong)


def test_every_lesson_text_says_how_long_it_ran():
    untimed = [p.name for p in LESSONS.glob("[0-9][0-9]_*.md") if "<!-- fact run_s -->" not in p.read_text()]
    assert untimed == [], f"lesson texts that quote no measured run time (<!-- fact run_s -->N): {untimed}"


def test_the_course_map_in_the_index_is_current():
    index = (LESSONS / "README.md").read_text(encoding="utf-8")
    assert course_map.with_course_map(index) == index, (
        "the course map in lessons/README.md is out of date: run python lessons/course_map.py")


def test_the_modules_a_lesson_opens_exist():
    missing = {p.name: course_map.missing_modules(p.read_text(encoding="utf-8"))
               for p in LESSONS.glob("[0-9][0-9]_*.md")}
    missing = {name: paths for name, paths in missing.items() if paths}
    assert missing == {}, f"lesson texts name modules that are not in the repository: {missing}"


def test_no_lesson_points_outside_the_repository():
    # A learner has the repository and nothing else: published sources are cited by URL or title instead.
    outside = re.compile(r"shared/|\bnotes/\w+\.md")
    found = [f"{p.name}: {line.strip()}" for p in sorted(LESSONS.glob("**/*")) if p.suffix in (".md", ".py")
             for line in p.read_text(encoding="utf-8").splitlines() if outside.search(line)]
    assert found == [], "lessons point at files outside the repository:\n" + "\n".join(found)


def test_a_stale_count_is_caught_and_a_time_is_read_as_about():
    printed = facts.read_facts("prose\nfact prompt_tokens = 13\nfact ttft_ms ~ 40\n")
    text = "a <!-- fact prompt_tokens -->14-token prompt, about <!-- fact ttft_ms -->25 ms"
    assert facts.disagreements(text, printed) == ["fact prompt_tokens: the text says 14, the lesson printed 13"]
    # A time is what one run measured on the machine that wrote the text: another machine may be
    # ten times faster (CI decoded a toy at 104 tok/s where the text said 22), so it is not held to a range.
    assert facts.disagreements("<!-- fact ttft_ms -->400", printed) == []
    # But a time the lesson no longer measures, or measures as something that is not a number, is stale.
    assert facts.disagreements("<!-- fact unknown -->1", printed) != []
    assert facts.disagreements("<!-- fact ttft_ms -->40", facts.read_facts("fact ttft_ms ~ n/a\n")) != []
    fresh = "a <!-- fact prompt_tokens -->13-token prompt, about <!-- fact ttft_ms -->40 ms"
    assert facts.rewrite(text, printed) == fresh


def test_thousands_separators_are_the_same_number():
    printed = facts.read_facts("fact params = 3,517,440\n")
    assert facts.disagreements("<!-- fact params -->3,517,440 and <!-- fact params -->3517440", printed) == []
    assert facts.disagreements("<!-- fact params -->3,517,441", printed) != []


def test_a_fact_the_run_did_not_measure_is_not_checked():
    # Lesson 22 trains only when torch is installed: without it, it says so and the quotes stand.
    printed = facts.facts_of_run("fact train_s ? not-measured\nfact run_s ? not-measured\nfact vocab = 1024\n", 3.0)
    text = "about <!-- fact run_s -->260 s, <!-- fact train_s -->130 s, <!-- fact vocab -->1024 tokens"
    assert facts.disagreements(text, printed) == []
    assert facts.disagreements("<!-- fact vocab -->512", printed) != []
    assert facts.rewrite(text, printed) == text
    # Measured, the runner's own run time is there to be quoted again.
    assert "run_s" in facts.facts_of_run("fact vocab = 1024\n", 3.0)
