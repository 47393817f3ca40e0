"""What mlx_lm.server makes of a model's output, replayed in-process: the reference the lessons compare with.

mlx_lm.server cannot be handed an output you wrote; it only parses what its
model generates. To see what it would make of a crafted output (a drift case,
a cut-off call), replay its steps (mlx-lm 0.32, `server.py`,
`handle_completion`):

1. a `TextStateMachine` splits the text into reasoning, normal text and
   tool text: `<think>` and `</think>` switch reasoning on and off, and
   `<tool_call>` switches to tool text, **also inside reasoning**, until the
   first `</tool_call>`. It starts in reasoning when the prompt opened `<think>`;
2. each tool block goes to the dialect's parser (`json_tools`: `json.loads`;
   `qwen3_coder`: regular expressions and the schema);
3. a block whose parser raises is dropped with a log line ("tool text was
   likely truncated"), as `ToolCallFormatter` does, and `finish_reason` still
   says `tool_calls`.

Lesson 07 checks this replay against the real server on real outputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from mlx_lm.generate import TextStateMachine
from mlx_lm.tool_parsers import json_tools, qwen3_coder

# The transitions mlx_lm builds for a Qwen tokenizer (`make_text_state_machine`).
SERVER_STATES = TextStateMachine({
    "normal": [("<think>", "reasoning"), ("<tool_call>", "tool")],
    "reasoning": [("</think>", "normal"), ("<tool_call>", "tool")],
    "tool": [("</tool_call>", "normal")],
})
PARSERS = {"hermes": json_tools, "xml": qwen3_coder}


@dataclass
class ServerReading:
    """The parts mlx_lm.server would return for one output."""

    content: str
    """`message.content`, untrimmed, as the server sends it."""
    reasoning: str
    """`message.reasoning`."""
    calls: list[dict[str, Any]] = field(default_factory=list)
    """`{"name": ..., "arguments": ...}` per call the parser returned."""
    dropped: int = 0
    """Tool blocks whose parser raised: lost without a word to the client."""


def server_reading(text: str, dialect: Literal["hermes", "xml"], tools: list[dict] | None = None,
                   prompt_opened_think: bool = False, finish_reason: str = "stop") -> ServerReading:
    """Replay mlx_lm.server's parsing of `text` (the exact generated text, stop token excluded)."""
    initial = "reasoning" if prompt_opened_think else "normal"
    state, segments = TextStateMachine.split(SERVER_STATES.make_state(initial), text)
    if finish_reason == "length":  # cut by max_tokens: the server flushes what it held back
        state, flushed, current = TextStateMachine.flush(state)
        segments.append((current, flushed))
    reading = ServerReading(content="", reasoning="")
    blocks, tool_text, previous = [], "", initial
    for name, piece in segments:
        if name == "reasoning":
            reading.reasoning += piece
        elif name == "tool":
            tool_text += piece
        elif name == "normal":
            if previous == "tool":  # a block ends when the machine leaves "tool"
                blocks.append(tool_text)
                tool_text = ""
            reading.content += piece
        previous = name
    if previous == "tool" and tool_text:
        blocks.append(tool_text)
    for block in blocks:
        try:
            parsed = PARSERS[dialect].parse_tool_call(block, tools)
        except (ValueError, json.JSONDecodeError):
            reading.dropped += 1
            continue
        reading.calls += parsed if isinstance(parsed, list) else [parsed]
    return reading
