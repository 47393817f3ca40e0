"""Lesson 06: streaming: why a streaming parser must hold back a possible tag prefix.

    python lessons/06_streaming.py                  # starts mlx_lm.server on toy-dense
    python lessons/06_streaming.py --template hermes

Four steps: three hand-made chunks, where holding back `<tool_` is the whole
point; a real response fed token by token into StreamParser, with the deltas
it emits; the same text cut every 3 characters, where a naive streamer leaks
markup and StreamParser does not; and every other way of cutting it, checked
against parse_assistant on the whole text.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agentkit.client import OpenAIClient
from agentkit.client.raw import prompt_opened_think
from agentkit.serving.endpoint import add_endpoint_arguments, endpoint_from_args
from agentkit.parsing import (
    ContentDelta,
    Event,
    IssueEvent,
    ReasoningDelta,
    StreamParser,
    ToolCallReady,
    parse_assistant,
)
from agentkit.tools import example_tools

from facts import fact  # lessons/facts.py: prints the numbers the lesson's text quotes

QUESTION = [{"role": "user", "content": "What's the weather in Paris?"}]
HAND_MADE = ["Let me look", " that up.\n<tool_", "call>\n<function=get_weather>\n<parameter=city>\nParis\n",
             "</parameter>\n</function>\n</tool_call>"]
RANDOM_CUTTINGS = 300


def naive_stream(chunks: list[str], opened: bool) -> list[list[str]]:
    """What a streamer that looks for tags inside each chunk shows, chunk by chunk."""
    where, shown = ("reasoning" if opened else "content"), []
    for chunk in chunks:
        now = []
        if where == "reasoning" and "</think>" in chunk:
            before, _, chunk = chunk.partition("</think>")
            now.append(before)
            where = "content"
        if where == "content" and "<tool_call>" in chunk:
            before, _, chunk = chunk.partition("<tool_call>")
            now.append(before)
            where = "call"
        if where == "call" and "</tool_call>" in chunk:
            where, chunk = "content", chunk.partition("</tool_call>")[2]
        if where != "call":  # a call is hidden until it closes
            now.append(chunk)
        shown.append([text for text in now if text])
    return shown


def leaks(shown: list[list[str]]) -> list[str]:
    """The pieces of markup a streamer showed the user."""
    return [text for now in shown for text in now if "<" in text or ">" in text]


def describe(events: list[Event]) -> str:
    parts = []
    for event in events:
        if isinstance(event, ReasoningDelta):
            parts.append(f"reasoning {event.text!r}")
        elif isinstance(event, ContentDelta):
            parts.append(f"content {event.text!r}")
        elif isinstance(event, ToolCallReady):
            parts.append(f"CALL {event.call.name}({event.call.arguments})")
        elif isinstance(event, IssueEvent):
            parts.append(f"issue {event.issue.code}")
    return "; ".join(parts) or "-"


def step_1_hold_back(console: Console) -> None:
    console.rule("1. Why hold back: a tag can end in the next chunk")
    parser = StreamParser()
    table = Table()
    for column in ("chunk", "StreamParser emits", "a naive streamer shows"):
        # Fold, never cut: the end of a chunk is where the tag is.
        table.add_column(column, overflow="fold")
    naive = naive_stream(HAND_MADE, opened=False)
    for chunk, shown in zip(HAND_MADE, naive):
        table.add_row(Text(repr(chunk)), Text(describe(parser.feed(chunk))),
                      Text(" ".join(repr(text) for text in shown) or "-"))
    table.add_row("(end of output)", Text(describe(parser.close())), "-")
    console.print(table)
    console.print(f"naive streamer leaked on these chunks: {leaks(naive)}", markup=False)


def token_chunks(client: OpenAIClient, token_ids: list[int]) -> list[str]:
    """The text of each generated token, as a raw stream would deliver it."""
    tokenizer = client.local.tokenizer
    if token_ids and token_ids[-1] in client.local.eos_ids:
        token_ids = token_ids[:-1]  # the stop token ends the turn; it is not text
    chunks, shown = [], ""
    for end in range(1, len(token_ids) + 1):
        text = tokenizer.decode(token_ids[:end], skip_special_tokens=False)
        if text.endswith("\ufffd"):  # half of a UTF-8 character: wait for the next token
            continue
        chunks.append(text[len(shown):])
        shown = text
    return chunks


def step_2_token_by_token(console: Console, chunks: list[str], opened: bool) -> None:
    console.rule("2. A real response, token by token")
    parser = StreamParser(prompt_opened_think=opened)
    table = Table()
    for column in ("#", "token", "StreamParser emits"):
        table.add_column(column)
    for number, chunk in enumerate(chunks, start=1):
        table.add_row(str(number), Text(repr(chunk)), Text(describe(parser.feed(chunk))))
    table.add_row("", "(end of output)", Text(describe(parser.close())))
    console.print(table)
    console.print(f"naive streamer leaked on token chunks: {leaks(naive_stream(chunks, opened))} "
                  "(the tags it looks for are single tokens here)", markup=False)


def step_3_three_characters(console: Console, text: str, opened: bool) -> None:
    console.rule("3. The same text in 3-character chunks")
    console.print("(as a proxy, a byte stream or another server may cut it)")
    chunks = [text[i:i + 3] for i in range(0, len(text), 3)]
    leaked = leaks(naive_stream(chunks, opened))
    more = f" and {len(leaked) - 12} more" if len(leaked) > 12 else ""
    console.print(f"naive streamer leaked {len(leaked)} pieces of markup: {leaked[:12]}{more}", markup=False)
    fact("leaked_pieces", len(leaked))
    parser = StreamParser(prompt_opened_think=opened)
    events = [event for chunk in chunks for event in parser.feed(chunk)] + parser.close()
    reasoning = "".join(e.text for e in events if isinstance(e, ReasoningDelta))
    content = "".join(e.text for e in events if isinstance(e, ContentDelta))
    calls = [f"{e.call.name}({e.call.arguments})" for e in events if isinstance(e, ToolCallReady)]
    console.print(f"StreamParser's reasoning deltas add up to {reasoning!r}", markup=False)
    console.print(f"StreamParser's content deltas add up to {content!r}; calls: {calls}", markup=False)


def step_4_every_chunking(console: Console, text: str, opened: bool) -> None:
    console.rule("4. Every way of cutting it gives the same turn")
    whole = parse_assistant(text, prompt_opened_think=opened)
    rng = random.Random(0)
    cuttings = [[text[i:i + size] for i in range(0, len(text), size)] for size in range(1, 31)]
    for _ in range(RANDOM_CUTTINGS):
        cuts = sorted(rng.sample(range(1, len(text)), rng.randint(1, min(40, len(text) - 1))))
        cuttings.append([text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])])
    same = True
    for chunks in cuttings:
        parser = StreamParser(prompt_opened_think=opened)
        events = [event for chunk in chunks for event in parser.feed(chunk)] + parser.close()
        streamed = parser.finish()
        # The deltas must add up exactly to the final text: a leaked fragment would show up here.
        deltas_add_up = ("".join(e.text for e in events if isinstance(e, ContentDelta)) == streamed.content
                         and "".join(e.text for e in events if isinstance(e, ReasoningDelta))
                         == (streamed.reasoning or ""))
        same = same and streamed == whole and deltas_add_up
    console.print(f"{len(cuttings)} chunkings (every size from 1 to 30, and {RANDOM_CUTTINGS} random cuttings)")
    console.print(f"every chunking gives the same turn: {same}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Lesson 06: streaming")
    add_endpoint_arguments(parser)
    args = parser.parse_args()
    console = Console()
    step_1_hold_back(console)
    # Only the schemas are needed, so the file tools' workspace can go at once.
    with tempfile.TemporaryDirectory(prefix="agentkit-lesson06-") as workspace:
        tools = example_tools(workspace).schemas()
    console.print("starting the model server (or connecting to --url)...")
    with endpoint_from_args(args) as endpoint:
        client = OpenAIClient(endpoint)
        # Raw mode returns the token ids: the chunks a raw stream would have carried.
        turn = client.complete(QUESTION, tools, parser="raw", max_tokens=200)
        opened = prompt_opened_think(client.render_prompt(QUESTION, tools))
        chunks = token_chunks(client, turn.token_ids)
    assert "".join(chunks) == turn.raw_text
    step_2_token_by_token(console, chunks, opened)
    step_3_three_characters(console, turn.raw_text, opened)
    step_4_every_chunking(console, turn.raw_text, opened)
    return 0


if __name__ == "__main__":
    sys.exit(main())
