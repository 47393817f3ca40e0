"""Server mode: collect the answer a server already split into reasoning, content and calls.

mlx_lm.server parses the model's output itself and sends `reasoning` (vLLM:
`reasoning_content`), `content` and `tool_calls` with the arguments as JSON
text. `ServerAnswer` gathers them, whether they come as one message or as a
stream of deltas, and gives the agent the same shapes as raw mode:

- content and reasoning are trimmed at both ends, like the kit's parser and
  the Qwen templates (mlx_lm keeps the "\\n\\n" after `</think>`), and the
  deltas it emits add up exactly to the trimmed text;
- each call becomes the parser's `ToolCall`. The server does not return the
  call's original text, so `raw` is the block re-rendered in the template's
  dialect (what the model wrote when it followed the format);
- arguments that are not a JSON object become an `arguments_not_object` /
  `invalid_json` error instead of an exception, as in raw mode.

OpenAI-style servers stream a call's arguments in pieces keyed by `index`;
mlx_lm sends each call whole. Both are handled by concatenating per index.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from agentkit.parsing import (
    ContentDelta, Event, ParseIssue, ReasoningDelta, ToolCall, ToolCallReady,
    render_tool_call_hermes, render_tool_call_xml,
)
from agentkit.parsing.messages import server_issue
from agentkit.parsing.trimmed_text import TrimmedText


class ServerAnswer:
    """The parts of one server-parsed answer, added piece by piece."""

    def __init__(self, dialect: Literal["hermes", "xml"] = "hermes") -> None:
        self.dialect = dialect
        self._content = TrimmedText(ContentDelta)
        self._reasoning = TrimmedText(ReasoningDelta)
        self._saw_reasoning = False
        self._calls: dict[int, dict[str, str]] = {}

    def add(self, message: dict[str, Any]) -> list[Event]:
        """Add one delta (or a whole message); return the text events it completes."""
        events: list[Event] = []
        reasoning = message.get("reasoning") or message.get("reasoning_content")
        if reasoning:
            self._saw_reasoning = True
            self._reasoning.add(reasoning, events)
        if message.get("content"):
            self._content.add(message["content"], events)
        for position, call in enumerate(message.get("tool_calls") or []):
            slot = self._calls.setdefault(call.get("index", position), {"id": "", "name": "", "arguments": ""})
            function = call.get("function") or {}
            slot["id"] = slot["id"] or call.get("id") or ""
            slot["name"] += function.get("name") or ""
            slot["arguments"] += function.get("arguments") or ""
        return events

    @property
    def has_output(self) -> bool:
        """True once any reasoning, content or call has arrived."""
        return bool(self._saw_reasoning or self._content.started or self._calls)

    @property
    def content(self) -> str:
        return self._content.text()

    @property
    def reasoning(self) -> str | None:
        return self._reasoning.text() if self._saw_reasoning else None

    def tool_calls(self) -> tuple[list[ToolCall], list[str], list[ParseIssue]]:
        """The calls, their ids (made up as `call_N` when the server sent none), and lost calls."""
        calls, ids, errors = [], [], []
        for number, index in enumerate(sorted(self._calls)):
            slot = self._calls[index]
            arguments, error = _decode_arguments(slot["name"], slot["arguments"])
            if error is not None:
                errors.append(error)
                continue
            render = render_tool_call_xml if self.dialect == "xml" else render_tool_call_hermes
            calls.append(ToolCall(name=slot["name"], arguments=arguments,
                                  raw=render(slot["name"], arguments), dialect=self.dialect))
            ids.append(slot["id"] or f"call_{number}")
        return calls, ids, errors

    def dropped_calls(self, finish_reason: str | None) -> list[ParseIssue]:
        """A lost call the server does not report: finish_reason says "tool_calls" but no call came.

        mlx_lm.server (0.32.2) drops a call its parser cannot read (cut off or
        malformed) and still ends with "tool_calls"; without this error an agent
        would take the empty reply for a final answer.
        """
        if finish_reason != "tool_calls" or self._calls:
            return []
        return [server_issue("truncated_tool_call", "")]

    def call_events(self) -> list[Event]:
        """A `ToolCallReady` per complete call (calls are known for sure only at the end)."""
        return [ToolCallReady(call) for call in self.tool_calls()[0]]


def _decode_arguments(name: str, text: str) -> tuple[dict[str, Any], ParseIssue | None]:
    try:
        value = json.loads(text) if text.strip() else {}
    except (ValueError, RecursionError) as error:
        # JSONDecodeError, and what json.loads raises past it: ValueError for a
        # number of more than 4300 digits, RecursionError for deep nesting.
        reason = (error.msg if isinstance(error, json.JSONDecodeError)
                  else "a number has too many digits" if isinstance(error, ValueError)
                  else "the objects and lists are nested too deeply")
        return {}, server_issue("invalid_json", text, name=name, detail=reason)
    if not isinstance(value, dict):
        return {}, server_issue("arguments_not_object", text, name=name, kind=type(value).__name__)
    return value, None
