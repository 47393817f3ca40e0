"""Turn a model's raw output into reasoning, visible text and tool calls.

This is the code the learner writes in the parsing lessons, in the form the kit
itself uses. It reads the exact text a Qwen model produced (not what a server
made of it) and never raises on any input string: problems come back as typed
`ParseIssue`s whose messages are written to be sent back to the model.

    turn = parse_assistant(raw_text, tools=tools, prompt_opened_think=True)
    turn.reasoning, turn.content, turn.tool_calls, turn.errors, turn.warnings

    parser = StreamParser(tools=tools, prompt_opened_think=True)
    for chunk in chunks:
        for event in parser.feed(chunk):
            ...  # ReasoningDelta, ContentDelta, ToolCallReady, IssueEvent
    turn = parser.finish()

Read the modules in this order: `types`, `tags`, `hermes`, `schema`,
`xml_calls`, `blocks`, `block_scan`, `trimmed_text`, `stream`, `render`,
`messages`.

## Policy

Thinking
- With `prompt_opened_think=True` (Qwen3.6 templates write `<think>\\n` into
  the generation prompt) parsing starts inside the reasoning. Otherwise a
  `<think>` in the output opens it. A stray `</think>` with no `<think>` open is
  dropped with a `stray_close_tag` warning: if you see it at the start of every
  output, you forgot `prompt_opened_think=True`.
- A tool call inside a think block that later closes is not a call: it stays in
  the reasoning, word for word, and each one is reported as a
  `call_in_reasoning` warning (models plan calls in reasoning and never emit
  them; the agent loop will want to know).
- A `<tool_call>` inside a think block that is never closed ends the reasoning
  and counts (warning `missing_close_tag` for `</think>`). While streaming, the
  parser cannot know which case it is in until `</think>` arrives or the output
  ends, so it holds such a call back until then.
- An output that ends inside `<think>` (cut by `max_tokens`) is all reasoning,
  with a `missing_close_tag` warning.

Hermes JSON (`<tool_call>{"name": ..., "arguments": {...}}</tool_call>`)
- Only `<tool_call>` envelopes count. The JSON value is decoded by its own
  boundary, and the stream follows JSON strings, so `</tool_call>` inside a
  string is text, not the end of the block.
- Recovered, each with a warning: text before or after the object
  (`leading_junk`, `trailing_junk`), `arguments` as a JSON string
  (`arguments_as_string`), `parameters` instead of `arguments`
  (`parameters_key`), a Python literal (`python_literal`), a list of calls
  (`calls_as_list`). A missing `arguments` (or null) means `{}`.

Qwen3-Coder XML (`<tool_call><function=NAME><parameter=P>...`)
- Values are converted by the tool's JSON schema (see `schema`); without a
  schema, text that is a JSON object or array is decoded and anything else
  stays a string. Exactly one leading and one trailing newline of a value
  belong to the markup.
- Recovered, each with a warning: a missing `</parameter>` or `</function>`
  (`missing_close_tag`) when the block is otherwise complete, and stray closing
  debris such as an extra `</function>` or `</function_invocation>`
  (`stray_close_tag`), inside the block or right after it.

Blocks
- A block ends at `</tool_call>`, or at the next `<tool_call>`, or at the end
  of the output; in the last two cases its call is kept only when complete, and
  a `missing_close_tag` warning names the missing `</tool_call>`.
- A `<function=...>` outside any `<tool_call>` is not run; it stays in the
  content with an `unwrapped_call` warning.

Unrecoverable input gives an error with a code and keeps the calls recovered
before it: `truncated_tool_call` (the output ended inside a call),
`invalid_json` (the block is not a JSON object, or neither dialect),
`arguments_not_object`, `missing_function_name` (parameters without a
function, an empty block), `malformed_function_tag` (a `<function=` or
`<parameter=` tag that cannot be read).

Whitespace
- `content` and `reasoning` are trimmed at both ends, as the Qwen templates
  trim them when they render the turn back; the newlines around markup belong
  to the markup. Whitespace between two pieces of text is kept. (mlx_lm.server
  keeps everything, so its content often starts with "\\n\\n".)

Streaming
- For every way of cutting the output into chunks, `finish()` returns what
  `parse_assistant` returns on the whole text (it is the same machine fed in
  one chunk), and the deltas add up exactly to the final `content` and
  `reasoning`. A delta never contains part of a tag: the parser holds back a
  possible tag prefix (at most 22 characters) and nothing else, except inside
  a tool-call block, which it buffers until the block ends.

## Performance

`python benchmarks/bench_parsing.py`, CPython 3.11 on a shared 2-core x86-64
VM, against mlx-lm 0.32.2 (two runs agreed within a few percent):

- Streaming, 4-character chunks (about one token), 1500 outputs, 2.1 MB,
  2000 calls: 5.3 MB/s, 1.06-1.08x the time of mlx_lm.server's own path on the
  same chunks (its per-token `TextStateMachine`, then its parser per block;
  the server runs that loop for non-streaming requests too). So JSON-aware
  block ends, recovery and typed results cost about what the server's loop
  costs: some 1.3 million tokens a second, far above any model's speed.
- Whole outputs (`parse_assistant`): 47 MB/s, 4.8x the time of mlx-lm's bare
  parsers (a `str.split` and one `json.loads` or regex per block, with no
  reasoning split, no JSON-aware block end, no recovery, no validation).
- Time per KB from 1 KB to 1 MB is flat, so the work is linear: streaming
  150-160 us/KB for text, 175 for one huge XML call, 195 for one huge JSON
  call; whole outputs under 1 us/KB past 16 KB (4 us/KB for a huge JSON
  call). Per-KB time at 1 MB over that at 16 KB: 0.4-1.06.
"""

from agentkit.parsing.messages import message_for_model
from agentkit.parsing.render import render_tool_call_hermes, render_tool_call_xml
from agentkit.parsing.stream import StreamParser, parse_assistant
from agentkit.parsing.types import (
    ERROR_CODES,
    ContentDelta,
    Event,
    IssueEvent,
    ParsedTurn,
    ParseIssue,
    ReasoningDelta,
    ToolCall,
    ToolCallReady,
)

__all__ = [
    "ERROR_CODES",
    "ContentDelta",
    "Event",
    "IssueEvent",
    "ParseIssue",
    "ParsedTurn",
    "ReasoningDelta",
    "StreamParser",
    "ToolCall",
    "ToolCallReady",
    "message_for_model",
    "parse_assistant",
    "render_tool_call_hermes",
    "render_tool_call_xml",
]
