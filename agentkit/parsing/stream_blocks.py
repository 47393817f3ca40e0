"""The stream parser's states around tool-call blocks (see `stream.py` for the whole machine).

- `pending_call`: a `<tool_call>` inside reasoning, buffered until we know
  whether `</think>` follows (then it was only planned) or the output ends.
- `block`: inside `<tool_call>` until `BlockScanner` finds its end, or inside a
  `<function=NAME>` of an offered tool written without its `<tool_call>`,
  which runs at its `</function>` if it parses and is replayed as text if not.

These methods belong to `StreamParser` (they read and set its state); they
live here so that each file holds one screenful of the machine.
"""

from __future__ import annotations

import re

from agentkit.parsing.block_scan import FUNCTION_CLOSE
from agentkit.parsing.blocks import parse_block
from agentkit.parsing.messages import snippet_at
from agentkit.parsing.schema import tool_parameters
from agentkit.parsing.tags import CALL_CLOSE, CALL_OPEN, MAYBE, THINK_CLOSE, partial_suffix
from agentkit.parsing.types import ToolCallReady
from agentkit.parsing.xml_calls import parse_xml
from agentkit.parsing.xml_values import OPEN_TAG, hold_point

PLANNED_NAME = re.compile(r'<function=([^<>\n]{1,80})>|"name"\s*:\s*"([^"\n]{1,80})"')


class BlockStates:
    """The block half of `StreamParser`: its `pending_call` and `block` steps and their helpers."""

    def _step_pending_call(self, text: str, i: int, final: bool) -> tuple[int, bool]:
        j = text.find(THINK_CLOSE, i)
        if j == -1:
            stop = len(text) if final else partial_suffix(text, i, THINK_CLOSE)
            self._block.append(text[i:stop])
            return stop, stop < len(text)
        self._block.append(text[i:j])
        buffered = "".join(self._block)
        self._block = []
        start = 0
        while (start := buffered.find(CALL_OPEN, start)) != -1:
            planned = PLANNED_NAME.search(buffered, start, start + 200)
            name = (planned.group(1) or planned.group(2)).strip() if planned else ""
            self._report("call_in_reasoning", self._block_start + start, snippet_at(buffered, start),
                         name_part=f" ({name})" if name else "")
            start += len(CALL_OPEN)
        self._reasoning.add(buffered, self._events)
        self._state = "content"
        return j + len(THINK_CLOSE), False

    def _step_block(self, text: str, i: int, final: bool) -> tuple[int, bool]:
        j, tag = self._scanner.scan(text, i, final)
        self._block.append(text[i:j])
        if tag is None:
            return j, j < len(text)
        if self._unwrapped:
            if tag != FUNCTION_CLOSE:  # a block tag before </function>: it was no call
                self._abandon_unwrapped()
                return j, False
            self._block.append(tag)
            self._end_unwrapped()
        elif tag == CALL_CLOSE:
            self._block.append(tag)
            self._end_block("closed")
        else:  # a new <tool_call> before this one closed
            self._end_block("next_open")
            self._open_block(self._base + j)
        return j + len(tag), False

    def _open_block(self, position: int, unwrapped: bool = False) -> None:
        self._state, self._block_start = "block", position
        self._block = [] if unwrapped else [CALL_OPEN]
        self._unwrapped = unwrapped
        self._scanner.reset(unwrapped)

    def _offered_function(self, text: str, j: int, final: bool) -> str | None:
        """The name in the `<function=NAME>` at `text[j]` if it is an offered tool, else None or MAYBE."""
        tag = OPEN_TAG.match(text, j)
        if tag is None:
            return MAYBE if not final and hold_point(text, j) == j else None
        name = tag.group(2).strip()
        return name if tag.group(1) == "function" and tool_parameters(self._tools, name) is not None else None

    def _end_unwrapped(self) -> None:
        """A complete `<function=...>...</function>` without `<tool_call>`: run it if it parses."""
        raw = "".join(self._block)
        result = parse_xml(raw, self._block_start, raw, True, self._tools)
        if not result.calls or any(issue.is_error for issue in result.issues):
            self._abandon_unwrapped()
            return
        self._block, self._unwrapped, self._state = [], False, "content"
        self._report("unwrapped_call_run", self._block_start, snippet_at(raw, 0), name=result.calls[0].name)
        for call in result.calls:
            self._calls.append(call)
            self._events.append(ToolCallReady(call))
        for issue in result.issues:
            self._record(issue)
        self._after_block = self._close_may_follow = True

    def _abandon_unwrapped(self) -> None:
        """It was no call after all: replay the buffered text as content, where it stays text."""
        buffered, self._block, self._unwrapped = "".join(self._block), [], False
        base, recent = self._base, self._recent
        self._base, self._recent, self._state = self._block_start, "", "content"
        self._text_until = self._block_start + len(buffered)
        self._run(buffered, final=True)
        self._base, self._recent = base, recent

    def _end_block(self, end_kind: str) -> None:
        raw, self._block = "".join(self._block), []
        result = parse_block(raw, self._block_start, end_kind, self._tools)
        for call in result.calls:
            self._calls.append(call)
            self._events.append(ToolCallReady(call))
        for issue in result.issues:
            self._record(issue)
        self._state, self._after_block = "content", True
