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
`xml_values`, `xml_calls`, `blocks`, `block_scan`, `trimmed_text`, `stream`,
`whole`, `render`, `messages`.

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
- Python literals are read by `ast.literal_eval` (never eval), up to 64,000
  characters. A `...` in them, a number of more than 4300 digits, or nesting
  deeper than the decoder allows is `invalid_json` with a reason, never an
  exception (and never an `Ellipsis` in the arguments).

Qwen3-Coder XML (`<tool_call><function=NAME><parameter=P>...`)
- Values are converted by the tool's JSON schema (see `schema`); without a
  schema, text that is a JSON object or array is decoded and anything else
  stays a string. Exactly one leading and one trailing newline of a value
  belong to the markup. `null` (any case) is JSON null for an integer,
  number, boolean, object or array parameter, and stays text for a string.
- A value may contain markup (a coding agent writes files about tool calls).
  A call opened inside the value stays in it up to its own close; any other
  `</parameter>` ends the value only when what follows it is `<parameter=P>`
  for a parameter of this tool not set yet, `</function>`, `</tool_call>` or
  the end of the output; otherwise it is text (see `xml_values`). So a
  parameter set twice is text inside the first value. When no
  `</parameter>` ends a value this way, the value ends at the first tag, as
  a missing `</parameter>`.
- Spaces around `=` and before `>` in a tag (`<function = f>`) are accepted.
- A function named by a template placeholder (`{{ name }}`, `{% ... %}`) is
  never run: error `placeholder_name`.
- Recovered, each with a warning: a missing `</parameter>` or `</function>`
  (`missing_close_tag`) when the block is otherwise complete (a line starting
  `<parameter=P>` for a parameter of this tool not set yet ends a value), stray
  closing debris such as an extra `</function>` or `</function_invocation>`
  (`stray_close_tag`), inside the block or right after it, and an object or
  array parameter written as a JSON string holding the JSON or as a Python
  literal (`value_as_text`).

Blocks
- A block ends at `</tool_call>`, or at the next `<tool_call>`, or at the end
  of the output; in the last two cases its call is kept only when complete, and
  a `missing_close_tag` warning names the missing `</tool_call>`.
- A complete `<function=NAME>...</function>` outside any `<tool_call>` (a
  frequent Qwen3.6 habit: the opener is left out, the `</tool_call>` often
  kept) is run when NAME is an offered tool and the function parses without
  errors: warning `unwrapped_call_run`, and a `</tool_call>` right after it is
  part of the call. Anything less (no tools, another name, no `</function>`
  before the output ends or before a `<tool_call>`, a placeholder) is not
  run; it stays in the content with an `unwrapped_call` warning. While
  streaming, such a function is held back until its `</function>`.
- An empty `<tool_call></tool_call>` runs nothing and loses nothing: warning
  `empty_tool_call`, so a reply with only that block is an answer.

Unrecoverable input gives an error with a code and keeps the calls recovered
before it: `truncated_tool_call` (the output ended inside a call),
`invalid_json` (the block is not a JSON object, or neither dialect),
`arguments_not_object`, `missing_function_name` (parameters without a
function), `malformed_function_tag` (a `<function=` or `<parameter=` tag that
cannot be read), `placeholder_name` (a template placeholder as the name).

Whitespace
- `content` and `reasoning` are trimmed at both ends, as the Qwen templates
  trim them when they render the turn back; the newlines around markup belong
  to the markup. Whitespace between two pieces of text is kept. (mlx_lm.server
  keeps everything, so its content often starts with "\\n\\n".)

Streaming
- For every way of cutting the output into chunks, `finish()` returns what
  `parse_assistant` returns on the whole text (the same machine fed in one
  chunk, or for the usual shape of output a shortcut through the same block
  parser; see `whole`), and the deltas add up exactly to the final `content`
  and `reasoning`. A delta never contains part of a tag: the parser holds back a
  possible tag prefix (at most 22 characters) and nothing else, except inside
  a tool-call block (or a `<function=...>` of an offered tool without one),
  which it buffers until the block ends. When the output ends inside an XML
  value that never ended by the rule above, the buffered block is read again
  with less of the rule, once or twice: the answer does not depend on how the
  output was cut.

## Performance

`python benchmarks/bench_parsing.py`, CPython 3.11.7, against mlx-lm 0.32.2,
pydantic 2.14, on a 2-core machine: five runs with the machine otherwise
quiet, and three while two busy loops kept both cores loaded. The ratios are
side by side, each parser's best of five in the same run. (This machine runs
Python at about half the speed of the one the earlier figures came from:
compare ratios, not MB/s.)

- Streaming, 4-character chunks (about one token), 1500 outputs, 2.1 MB,
  2000 calls: 1.92-1.98 MB/s (about 480,000 chunks a second), 0.91-0.94x
  the time (median 0.93x) of mlx_lm.server's own path on the same chunks
  (its per-token `TextStateMachine`, then its parser per block; the server
  runs that loop for non-streaming requests too); 0.87-0.94x in the loaded
  runs. So JSON-aware block ends, values that hold markup, recovery and
  typed results cost no more than the server's loop. By kind: plain answers
  0.77x, Hermes outputs 0.91x, XML outputs 0.98x. Two things keep XML
  there: a tag held back inside a block is not scanned again until a chunk
  could finish it (before, XML took 1.06x), and a chunk with no `<` in a
  value only notes whether it ends a line (`BlockScanner.follow`).
- Whole outputs (`parse_assistant`): 70-73 MB/s, 0.96-1.02x the time
  (median 0.98x) of mlx-lm's bare parsers (67-72 MB/s: a `str.split` and
  one `json.loads` or regex per block, with no reasoning split, no
  JSON-aware block end, no recovery); 0.97-1.10x in the loaded runs. A
  plain block (one clean call, nothing in it that reads as markup) is read
  where it lies in the output, by one JSON decode or two regexes, and the
  block scanner is skipped. The results are slotted dataclasses built with
  positional arguments: a pydantic model of `ToolCall` costs 2.5 us to
  build, the dataclass 0.82 from keywords and 0.38 from positions (timeit,
  same machine). When they were pydantic models, the whole-output parse
  took 0.95-1.52x (median 1.23x) mlx-lm's time on the earlier machine. By
  kind: plain answers take 3.7x the bare parsers' time (they only split the
  text; the kit also splits reasoning from the answer and looks for drifted
  calls, about 2 us more per output), Hermes outputs 1.6x (a JSON decode
  each for both, plus the kit's checks), XML outputs 0.78x (the bare parser
  also types values by the schema).
- Time per KB from 1 KB to 1 MB stays flat or falls as the fixed cost per
  output fades: per-KB time at 1 MB over that at 16 KB was 0.49-1.04 in
  all five quiet runs. Streaming takes about 390-435 us/KB from 16 KB on
  for text and JSON calls and 180-215 for one huge XML call; whole outputs
  at most 0.4 us/KB for text and 2.5 for one huge call from 64 KB on.
"""

from agentkit.parsing.messages import message_for_model
from agentkit.parsing.render import render_tool_call_hermes, render_tool_call_xml
from agentkit.parsing.stream import StreamParser
from agentkit.parsing.whole import parse_assistant
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
