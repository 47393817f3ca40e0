"""Exercise for the thinking lesson: split the reasoning off an output.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py think --init`), then
after each change run

    python lessons/exercises/check.py think

The contract check.py relies on:

    split_think(text, opened) -> (reasoning, answer)
    text       one whole assistant output
    opened     True when the prompt itself opened <think> (the qwen3.6 template
               does; the hermes one leaves <think> to the model)
    reasoning  the text inside the think block, trimmed; None when there is none
    answer     the rest, trimmed: what the user sees, and where tool calls are found

The lesson shows the core in a few lines; one case goes further than it
(a <tool_call> inside a think block that never closes).
"""

from __future__ import annotations

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CALL_OPEN = "<tool_call>"


def split_think(text: str, opened: bool) -> tuple[str | None, str]:
    """(reasoning, answer) of one output."""
    raise NotImplementedError("write split_think: see '2. Splitting it off' of the lesson")
