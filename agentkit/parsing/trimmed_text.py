"""Visible text and reasoning are trimmed at both ends, and streamed as deltas.

The Qwen templates render an assistant turn back with `content|trim` and the
reasoning trimmed inside `<think>\n...\n</think>\n\n`, so the newlines
around markup (after `</think>`, before and between `<tool_call>` blocks)
belong to the markup. Whitespace between two pieces of text is kept as is.
mlx_lm.server keeps all of it (its `content` often starts with "\n\n").
"""

from __future__ import annotations

from agentkit.parsing.types import Event


class TrimmedText:
    """Collects text with its leading and trailing whitespace trimmed, as deltas.

    Trailing whitespace is held back until more text follows it, so the
    deltas add up to exactly the final, trimmed text.
    """

    def __init__(self, delta_type: type) -> None:
        self.delta_type = delta_type
        self.parts: list[str] = []
        self.held: list[str] = []
        self.started = False

    def add(self, text: str, events: list[Event]) -> bool:
        """Add text; return True when it held anything but whitespace."""
        if not self.started:
            text = text.lstrip()
            if not text:
                return False
            self.started = True
        if text and not self.held and not text[-1].isspace():  # the common case: plain text
            self.parts.append(text)
            events.append(self.delta_type(text))
            return True
        body = text.rstrip()
        if not body:
            self.held.append(text)
            return False
        tail = text[len(body) :]
        if self.held:
            body = "".join(self.held) + body
        self.held = [tail] if tail else []
        self.parts.append(body)
        events.append(self.delta_type(body))
        return True

    def text(self) -> str:
        return "".join(self.parts)
