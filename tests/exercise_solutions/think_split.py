"""A correct think splitter."""

from __future__ import annotations

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CALL_OPEN = "<tool_call>"


def split_think(text: str, opened: bool) -> tuple[str | None, str]:
    if not opened:
        before, found, text = text.partition(THINK_OPEN)
        if not found:
            return None, before.strip()
    reasoning, found, answer = text.partition(THINK_CLOSE)
    if not found:
        # Never closed: a call in it ends the reasoning and counts.
        thought, call, rest = reasoning.partition(CALL_OPEN)
        return thought.strip(), (call + rest).strip()
    return reasoning.strip(), answer.strip()
