"""A client that replays recorded turns instead of asking a model, and one that records them.

Agent code is hard to test against a model: answers vary, servers are slow, and
the interesting cases (a model that loops, a broken tool call) happen when they
please. `ScriptedClient` answers each `complete` with the next `Turn` of a
script, and raises `ScriptExhaustedError` when the agent asks once more than the
script expected: an agent that makes an extra request is a bug the test must see.

    client = ScriptedClient([call_turn(("get_weather", {"city": "Paris"})), text_turn("12°C in Paris.")])
    result = react(client, toolbox, "Weather in Paris?")
    client.requests[1].messages[-1]   # the tool message the agent sent back

Scripts come from three places: written by hand with `text_turn`, `call_turn`
and `raw_turn` (raw model text through the kit's parser); recorded from a real
model with `RecordingClient`; or read from a trace (`ScriptedClient.from_trace`),
so a run recorded once on the toy models replays offline in lessons and tests.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentkit.client.protocol import Client, OnDelta
from agentkit.errors import ClientError
from agentkit.parsing import ContentDelta, IssueEvent, ReasoningDelta, ToolCall, ToolCallReady, parse_assistant
from agentkit.parsing import render_tool_call_xml
from agentkit.parsing.types import Dialect
from agentkit.trace.reader import read_trace
from agentkit.trace.turn import ParserMode, Timings, Turn, Usage


class ScriptExhaustedError(ClientError):
    """The agent asked the scripted client for more turns than the script holds."""


@dataclass
class ScriptedRequest:
    """What the agent sent in one `complete` call, kept for assertions."""

    messages: list[dict]
    tools: list[dict] | None
    options: dict[str, Any] = field(default_factory=dict)


class ScriptedClient:
    """A `Client` that answers with the given turns, in order, and fails on an extra request."""

    def __init__(self, turns: Iterable[Turn], model: str = "scripted", dialect: Dialect | None = None) -> None:
        self.model = model
        self.turns = list(turns)
        # The tool-call format of the template the turns were served with, when the script says:
        # an agent's History asks it (`served_dialect`) to know which calls to echo verbatim.
        self.dialect = dialect
        self.requests: list[ScriptedRequest] = []

    @property
    def remaining(self) -> int:
        """Turns not yet replayed."""
        return len(self.turns) - len(self.requests)

    def complete(self, messages: list[dict], tools: list[dict] | None = None, *, thinking: bool | None = None,
                 preserve_thinking: bool = True, parser: ParserMode = "server", stream: bool = True,
                 on_delta: OnDelta | None = None, max_tokens: int = 1024, temperature: float = 0.0) -> Turn:
        if self.remaining <= 0:
            last = messages[-1] if messages else {}
            raise ScriptExhaustedError(
                f"The script holds {len(self.turns)} turns and the agent asked for one more "
                f"(its last message: {last.get('role')}: {str(last.get('content'))[:120]!r}).",
                fix="the agent made a request the recording did not expect: check its loop, "
                "or re-record the script if the agent changed on purpose")
        # Copies: the agent may append to its messages after this call.
        self.requests.append(ScriptedRequest(
            messages=json.loads(json.dumps(messages)), tools=tools,
            options={"thinking": thinking, "parser": parser, "max_tokens": max_tokens, "temperature": temperature}))
        turn = self.turns[len(self.requests) - 1].model_copy(deep=True)
        if on_delta is not None:
            replay_deltas(turn, on_delta)
        return turn

    @classmethod
    def from_trace(cls, path: Path | str, model: str | None = None) -> ScriptedClient:
        """Replay the turns of every `model_call` in a trace file, in order."""
        trace = read_trace(path)
        start = trace.start
        return cls([call.turn for call in trace.model_calls()],
                   model=model or (start.model if start else "scripted"))

    @classmethod
    def load(cls, path: Path | str, model: str = "scripted") -> ScriptedClient:
        """Replay a file of turns written by `RecordingClient` (one JSON `Turn` per line)."""
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        return cls([Turn.model_validate_json(line) for line in lines if line.strip()], model=model)


class RecordingClient:
    """Wraps a real client and appends every `Turn` it returns to a JSONL file."""

    def __init__(self, inner: Client, path: Path | str) -> None:
        self.inner = inner
        self.model = inner.model
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    def complete(self, messages: list[dict], tools: list[dict] | None = None, **options: Any) -> Turn:
        turn = self.inner.complete(messages, tools, **options)
        with self.path.open("a", encoding="utf-8") as file:
            file.write(turn.model_dump_json() + "\n")
        return turn


def replay_deltas(turn: Turn, on_delta: OnDelta) -> None:
    """Send a finished turn to `on_delta` as a stream would have: reasoning, text, calls, issues."""
    if turn.reasoning:
        on_delta(ReasoningDelta(turn.reasoning))
    if turn.content:
        on_delta(ContentDelta(turn.content))
    for call in turn.tool_calls:
        on_delta(ToolCallReady(call))
    for issue in [*turn.errors, *turn.warnings]:
        on_delta(IssueEvent(issue))


# -- writing turns by hand ------------------------------------------------------

def text_turn(content: str, reasoning: str | None = None, prompt_tokens: int | None = None) -> Turn:
    """An answer with no tool call."""
    return _turn(content=content, reasoning=reasoning, finish_reason="stop", prompt_tokens=prompt_tokens)


def call_turn(*calls: tuple[str, dict[str, Any]], content: str = "", reasoning: str | None = None,
              prompt_tokens: int | None = None) -> Turn:
    """An answer that calls tools, e.g. `call_turn(("get_weather", {"city": "Paris"}))`."""
    tool_calls = [ToolCall(name=name, arguments=arguments, raw=render_tool_call_xml(name, arguments), dialect="xml")
                  for name, arguments in calls]
    return _turn(content=content, reasoning=reasoning, tool_calls=tool_calls, finish_reason="tool_calls",
                 prompt_tokens=prompt_tokens)


def raw_turn(raw_text: str, tools: list[dict] | None = None, prompt_opened_think: bool = False,
             prompt_tokens: int | None = None) -> Turn:
    """What raw mode makes of `raw_text`: the kit's parser splits it, errors and warnings included."""
    parsed = parse_assistant(raw_text, tools=tools, prompt_opened_think=prompt_opened_think)
    return _turn(content=parsed.content, reasoning=parsed.reasoning, tool_calls=parsed.tool_calls,
                 finish_reason="tool_calls" if parsed.tool_calls else "stop", mode="raw", raw_text=raw_text,
                 errors=parsed.errors, warnings=parsed.warnings, prompt_tokens=prompt_tokens)


def _turn(*, tool_calls: list[ToolCall] = (), prompt_tokens: int | None = None, **fields: Any) -> Turn:
    tool_calls = list(tool_calls)
    usage = Usage(prompt_tokens=prompt_tokens, completion_tokens=1) if prompt_tokens is not None else None
    return Turn(tool_calls=tool_calls, call_ids=[_call_id(call, i) for i, call in enumerate(tool_calls)],
                usage=usage, timings=Timings(request_start=time.time(), total=0.0), **fields)


def _call_id(call: ToolCall, index: int) -> str:
    # Made from the call itself, so a script written twice gets the same ids.
    digest = hashlib.sha1(f"{index}:{call.raw}".encode()).hexdigest()[:8]
    return f"call_{digest}"
