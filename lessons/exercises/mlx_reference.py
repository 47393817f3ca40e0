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
3. its `ToolCallFormatter` runs the parser on each block: a block whose
   parser raises `ValueError` is dropped with a log line ("tool text was
   likely truncated") and `finish_reason` still says `tool_calls`; a parsed
   value it cannot format (no `arguments` key, not an object) raises out of
   the request handler, and the client gets no answer at all.

Lesson 07 checks this replay against the real server on real outputs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from mlx_lm.generate import TextStateMachine
from mlx_lm.server import ToolCallFormatter
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
    failure: str | None = None
    """Set when the server's formatter raises: the whole request fails with no answer."""


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
    # The server's own formatter, one block at a time, so that a dropped block can be counted.
    formatter = ToolCallFormatter(PARSERS[dialect].parse_tool_call, tools)
    for block in blocks:
        logging.disable(logging.WARNING)  # it logs each dropped block; `dropped` says it here
        try:
            formatted = formatter([block])
        except Exception as error:  # noqa: BLE001 - whatever escapes the formatter fails the request
            reading.failure = f"{type(error).__name__}: {error}"
            break
        finally:
            logging.disable(logging.NOTSET)
        reading.dropped += not formatted
        # What the client receives: the name, and the arguments as JSON text.
        reading.calls += [{"name": item["function"].get("name"),
                           "arguments": json.loads(item["function"]["arguments"])} for item in formatted]
    return reading
