"""The graders of the thinking and streaming exercises: a think splitter and a chunk-by-chunk splitter.

`split_think(text, opened) -> (reasoning, answer)` is checked on whole
outputs. `StreamSplitter(opened)` is checked twice: on hand-made chunks,
where what each `feed` emits is fixed (a possible tag prefix held back,
everything else emitted at once), and on every way of cutting real-looking
outputs, where the deltas must add up exactly to the text outside the tags:
a piece of a tag that leaked would show up in the sum.
"""

from __future__ import annotations

import random
from typing import Any

from grading import Check, short, where_they_differ

# -- think splitting ------------------------------------------------------------

CALL = '<tool_call>\n{"name": "get_weather", "arguments": {"city": "Paris"}}\n</tool_call>'


def think_case(name: str, text: str, opened: bool, reasoning: str | None, answer: str, hint: str) -> Check:
    def check(module: Any) -> str | None:
        result = module.split_think(text, opened)
        if not (isinstance(result, tuple) and len(result) == 2):
            return f"returned {short(result)}; expected a tuple (reasoning, answer)"
        problems = [problem for problem in (compare_text("reasoning", reasoning, result[0]),
                                            compare_text("answer", answer, result[1])) if problem]
        return "\n".join(problems) or None

    return Check(name, check, hint)


def compare_text(part: str, expected: str | None, got: Any) -> str | None:
    """None when equal, else what differs, with the usual reason when there is one."""
    if got == expected:
        return None
    said = f"{part}: expected {expected!r}, got {got!r}"
    if expected is None:
        return said + ": None means the output has no think block at all"
    if isinstance(got, str) and got.strip() == expected:
        return said + ": it keeps the whitespace around it, which the templates trim (strip both ends)"
    if got is None:
        return said + ": None is only for an output with no think block"
    return said


THINK_CHECKS = [
    think_case("the prompt opened <think>", "The user wants a greeting.\n</think>\n\nHello! How can I help?", True,
               "The user wants a greeting.", "Hello! How can I help?",
               "the qwen3.6 template opens <think>: the output starts inside the reasoning and has only </think>"),
    think_case("the model opens <think>", "<think>\nThe user wants a greeting.\n</think>\n\nHello!", False,
               "The user wants a greeting.", "Hello!", "the hermes template leaves <think> to the model"),
    think_case("no think block", "Hello!", False, None, "Hello!",
               "no <think> and the prompt did not open one: reasoning is None, not ''"),
    think_case("thinking on, nothing thought", "</think>\n\nHello!", True, "", "Hello!",
               "an empty think block is reasoning '' (it was there, and empty), not None"),
    think_case("cut off while thinking", "The user wants the weather in Par", True,
               "The user wants the weather in Par", "",
               "no </think> before the end (max_tokens): it is all reasoning, and the answer is ''"),
    think_case("cut off, the model opened it", "<think>\nThe user wants", False, "The user wants", "",
               "the same rule when the model wrote <think> itself"),
    think_case("an answer over several lines", "Two lines.\n</think>\n\nFirst line.\n\nSecond line.\n", True,
               "Two lines.", "First line.\n\nSecond line.", "trim the ends only; the lines inside stay"),
    think_case("a call planned inside a closed think", f"I could call {CALL} but I know it.\n</think>\n\nIt is 391.",
               True, f"I could call {CALL} but I know it.", "It is 391.",
               "a call inside a think block that closes stays in the reasoning, word for word: it was a thought"),
    think_case("a call inside a think that never closes", f"I need the weather.\n{CALL}", True,
               "I need the weather.", CALL,
               "a <tool_call> inside a think block that never closes ends the reasoning: the call belongs to "
               "the answer, where the tool-call parser finds it"),
]


# -- streaming ------------------------------------------------------------------

KINDS = ("reasoning", "content", "call")
OPEN_BY_KIND = {"reasoning": "<think>", "call": "<tool_call>"}
CLOSE_BY_KIND = {"reasoning": "</think>", "call": "</tool_call>"}


def merged(events: Any, where: str) -> list[tuple[str, str]]:
    """Adjacent text events of one kind as one (calls stay separate); raises on a malformed event."""
    if not isinstance(events, list):
        raise ValueError(f"{where} returned {short(events)}; expected a list of (kind, text) tuples")
    out: list[tuple[str, str]] = []
    for event in events:
        if not (isinstance(event, tuple) and len(event) == 2 and event[0] in KINDS and isinstance(event[1], str)):
            raise ValueError(f"{where} returned the event {short(event)}; expected (kind, text) with kind one of "
                             f"{', '.join(KINDS)}")
        kind, text = event
        if not text and kind != "call":
            continue  # an empty delta says nothing
        if out and kind == out[-1][0] and kind != "call":
            out[-1] = (kind, out[-1][1] + text)
        else:
            out.append((kind, text))
    return out


def whole_split(text: str, opened: bool) -> tuple[str, str, list[str]]:
    """(reasoning, content, calls) of a whole output: what the deltas of every chunking add up to."""
    state, parts, calls, i = ("reasoning" if opened else "content"), {"reasoning": "", "content": ""}, [], 0
    while i < len(text):
        if state == "content":
            starts = {kind: text.find(tag, i) for kind, tag in OPEN_BY_KIND.items()}
            found = [(at, kind) for kind, at in starts.items() if at != -1]
            if not found:
                parts["content"] += text[i:]
                break
            at, kind = min(found)
            parts["content"] += text[i:at]
            state, i = kind, at + len(OPEN_BY_KIND[kind])
            continue
        end = text.find(CLOSE_BY_KIND[state], i)
        if end == -1:
            if state == "reasoning":
                parts["reasoning"] += text[i:]
            break  # a cut-off call is no call
        if state == "reasoning":
            parts["reasoning"] += text[i:end]
        else:
            calls.append(text[i:end])
        state, i = "content", end + len(CLOSE_BY_KIND[state])
    return parts["reasoning"], parts["content"], calls


def feed_all(module: Any, chunks: list[str], opened: bool) -> list[list[tuple[str, str]]]:
    """What each feed, then close, emitted (merged)."""
    splitter = module.StreamSplitter(opened)
    emitted = [merged(splitter.feed(chunk), f"feed({chunk!r})") for chunk in chunks]
    return [*emitted, merged(splitter.close(), "close()")]


def hand_made(name: str, chunks: list[str], opened: bool, expected: list[list[tuple[str, str]]], hint: str) -> Check:
    def check(module: Any) -> str | None:
        got = feed_all(module, chunks, opened)
        for number, (want, have) in enumerate(zip(expected, got), start=1):
            if want != have:
                what = f"feed({chunks[number - 1]!r})" if number <= len(chunks) else "close()"
                return f"{what} (call {number}) emitted {have}, expected {want}" + why(want, have)
        return None

    return Check(name, check, hint)


def why(want: list[tuple[str, str]], have: list[tuple[str, str]]) -> str:
    """The usual cause of a per-chunk difference, when one is clear."""
    shown = "".join(text for kind, text in have if kind != "call")
    wanted = "".join(text for kind, text in want if kind != "call")
    if len(shown) > len(wanted) and shown.startswith(wanted) and "<" in shown[len(wanted):]:
        return f": {shown[len(wanted):]!r} may be the start of a tag; hold it back until the next chunk decides"
    if len(shown) < len(wanted) and wanted.startswith(shown):
        return f": {wanted[len(shown):]!r} can no longer begin a tag; emit it now, hold back only a possible tag prefix"
    return ""


def every_cutting(name: str, text: str, opened: bool, hint: str, cuttings: int = 200) -> Check:
    reasoning, content, calls = whole_split(text, opened)

    def check(module: Any) -> str | None:
        rng = random.Random(0)
        plans = [(f"cut every {size} characters", size_cuts(text, size)) for size in range(1, len(text) + 1)]
        plans += [(f"random cutting {n + 1}", random_cuts(text, rng)) for n in range(cuttings)]
        for label, chunks in plans:
            events = [event for emitted in feed_all(module, chunks, opened) for event in emitted]
            got_reasoning = "".join(t for k, t in events if k == "reasoning")
            got_content = "".join(t for k, t in events if k == "content")
            got_calls = [t for k, t in events if k == "call"]
            for part, want, have in (("reasoning", reasoning, got_reasoning), ("content", content, got_content)):
                if have != want:
                    leak = " (a piece of a tag leaked)" if have.count("<") > want.count("<") else ""
                    return (f"{label} {short(chunks, 100)}: the {part} deltas add up to {short(have, 120)}, "
                            f"expected {short(want, 120)}{leak}")
            if got_calls != calls:
                want, have = where_they_differ(calls, got_calls)
                return f"{label} {short(chunks, 100)}: calls {have}, expected {want}"
        return None

    return Check(name, check, hint)


def size_cuts(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def random_cuts(text: str, rng: random.Random) -> list[str]:
    points = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, rng.randint(1, 12))))
    return [text[a:b] for a, b in zip([0, *points], [*points, len(text)])]


XML_CALL_BODY = "\n<function=get_weather>\n<parameter=city>\nParis\n</parameter>\n</function>\n"

STREAM_CHECKS = [
    hand_made("a tag cut between chunks", ["Let me look", " that up.\n<tool_", "call>" + XML_CALL_BODY[:30],
                                           XML_CALL_BODY[30:] + "</tool_call>"], False,
              [[("content", "Let me look")], [("content", " that up.\n")], [], [("call", XML_CALL_BODY)], []],
              "emit up to the last '<' that could still begin a tag; a call is emitted whole, at its </tool_call>"),
    hand_made("not a tag after all", ["Use a <tool_", "tip> here."], False,
              [[("content", "Use a ")], [("content", "<tool_tip> here.")], []],
              "once the text can no longer become a tag, it is content"),
    hand_made("a lone <", ["1 < 2 and 3 > 2"], False, [[("content", "1 < 2 and 3 > 2")], []],
              "'< ' can begin no tag: emit it at once"),
    hand_made("a possible tag at the very end", ["The answer is <thi"], False,
              [[("content", "The answer is ")], [("content", "<thi")]],
              "close() releases what was held back: the output ended, so it was no tag"),
    hand_made("</think> cut in three", ["I should gre", "et.\n</th", "ink>\n\nHel", "lo!"], True,
              [[("reasoning", "I should gre")], [("reasoning", "et.\n")], [("content", "\n\nHel")],
               [("content", "lo!")], []],
              "opened=True starts in the reasoning; only </think> ends it"),
    hand_made("the model opens <think>", ["<think>\nhmm\n</think>\n\nok"], False,
              [[("reasoning", "\nhmm\n"), ("content", "\n\nok")], []], "<think> in the content opens the reasoning"),
    hand_made("cut off inside a call", ['Checking.<tool_call>\n{"name": "get_wea'], False,
              [[("content", "Checking.")], []], "a block the output cut off is no call: close() emits nothing for it"),
    hand_made("two calls in a row", ["<tool_call>A</tool_call>\n<tool_call>B</tool_call>"], False,
              [[("call", "A"), ("content", "\n"), ("call", "B")], []], "keep looking for <tool_call> after each block"),
    every_cutting("every cutting of a qwen3.6 output",
                  "The user wants the weather in Paris.\n</think>\n\n<tool_call>" + XML_CALL_BODY + "</tool_call>",
                  True, "hold back a possible tag prefix in every state, and carry it to the next chunk"),
    every_cutting("every cutting of a hermes output",
                  '<think>\nhmm\n</think>\n\nSure <tool_call>{"name": "f"}</tool_call> done, a <tool_tip> < b.',
                  False, "text that only looks like the start of a tag comes out once it cannot be one"),
]
