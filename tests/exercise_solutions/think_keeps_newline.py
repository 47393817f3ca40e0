"""Wrong: the answer keeps the blank line the model writes after </think>."""

from __future__ import annotations


def split_think(text: str, opened: bool) -> tuple[str | None, str]:
    if not opened:
        before, found, text = text.partition("<think>")
        if not found:
            return None, before
    reasoning, found, answer = text.partition("</think>")
    if not found:
        thought, call, rest = reasoning.partition("<tool_call>")
        return thought.strip(), call + rest
    return reasoning.strip(), answer
