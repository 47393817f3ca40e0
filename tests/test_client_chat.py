"""`agentkit chat` and examples/chat.py run unattended: messages piped in, one per line."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.chat.command import stats_line
from agentkit.serving.models import models_dir
from agentkit.trace.turn import Timings, Turn, Usage

REPO_ROOT = Path(__file__).resolve().parent.parent
STATS = re.compile(r"TTFT (\d+) ms \| ITL [\d.]+ ms \| (\d+) tok/s \| (\d+) tokens \| prompt (\d+) \((\d+) cached\)")


def test_stats_line_of_a_streamed_and_a_complete_answer():
    timings = Timings(request_start=0, ttft=0.05, gaps=[0.01, 0.02, 0.03], total=0.2, decode_tps=120.0)
    turn = Turn(content="hi", timings=timings, finish_reason="length",
                usage=Usage(prompt_tokens=900, completion_tokens=4, cached_tokens=880))
    assert stats_line(turn) == ("  TTFT 50 ms | ITL 20.0 ms | 120 tok/s | 4 tokens | prompt 900 (880 cached)"
                                " | cut by --max-tokens")
    assert stats_line(Turn(content="", timings=Timings(request_start=0, total=1.5))) == "  total 1.50 s"


def chat(*command: str, lines: str) -> subprocess.CompletedProcess:
    # The repository on the path, so a script finds the package without an install.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.run([sys.executable, *command, "--max-tokens", "64"], input=lines, capture_output=True,
                          text=True, timeout=120, cwd=REPO_ROOT, env=env)


@pytest.mark.server
@pytest.mark.skipif(not (models_dir() / "toy-dense").is_dir(), reason="toy-dense is not in fixtures/models")
@pytest.mark.parametrize("command", [("-m", "agentkit.cli", "chat"), ("examples/chat.py",)])
def test_chat_reads_piped_messages_until_end_of_input(command):
    result = chat(*command, lines="Hello\n/nothink\n\nSay hello to Ada.\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you> Hello" in out and "thinking off" in out and "you> Say hello to Ada." in out
    stats = [tuple(map(int, m.groups())) for m in STATS.finditer(out)]
    assert len(stats) == 2  # one answer per message, none for the command or the blank line
    (_, _, _, first_prompt, _), (_, _, _, second_prompt, second_cached) = stats
    # The second request starts with the first conversation: the server's cache covers it.
    assert second_prompt > first_prompt and second_cached >= first_prompt


def test_the_answer_view_shows_escape_sequences_instead_of_obeying_them():
    import io

    from rich.console import Console

    from agentkit.chat.command import AnswerView
    from agentkit.parsing import ContentDelta, ReasoningDelta

    view = AnswerView()
    view.add(ReasoningDelta(text="\x1b]0;title\x07"))
    view.add(ContentDelta(text="hi \x1b]52;c;cm0gLXJm\x07 \x1b[2J"))
    console = Console(file=io.StringIO(), width=80, force_terminal=True, color_system=None)
    console.print(view.render())
    out = console.file.getvalue()
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\\x1b]52" in out
