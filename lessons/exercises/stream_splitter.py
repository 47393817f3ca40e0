"""Exercise for the streaming lesson: split an output as it streams in.

`python lessons/exercises/check.py --list` names the lesson's file. Copy it
out first (`python lessons/exercises/check.py stream --init`), then
after each change run

    python lessons/exercises/check.py stream

The chunks arrive cut anywhere, tags included. `feed(chunk)` returns what is
safe to show now, as `(kind, text)` events, kind one of:

    "reasoning"  text inside <think> ... </think>
    "content"    text outside any tag
    "call"       the text between <tool_call> and </tool_call>, emitted whole
                 when </tool_call> arrives

`close()` says the output ended and returns the last events. The rules:

- Tags: in content, <think> opens the reasoning and <tool_call> opens a call;
  in the reasoning, only </think> counts (it goes back to content); in a
  call, only </tool_call>. Tags themselves are never emitted. (The kit
  also holds back a call written inside the reasoning until it knows
  whether the think block closes; this exercise leaves that out.)
- Emit everything up to the last "<" that could still begin the tag that
  counts in the current state; hold back that "<" and what follows, and
  decide when the next chunk comes. At close() it was no tag: emit it.
- A call the output cut off (no </tool_call> before close) is no call: emit
  nothing for it.
- No trimming: the deltas of a kind add up exactly to that kind's text,
  however the output was cut.

`StreamParser` in agentkit/parsing/stream.py does this and more (issues,
trimming, calls planned in the reasoning); `tag_at` in
agentkit/parsing/tags.py answers the "could this still become a tag?"
question. Write your own.
"""

from __future__ import annotations

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
# The tags that count in each state, and the state each one leads to.
TAGS = {
    "content": {THINK_OPEN: "reasoning", CALL_OPEN: "call"},
    "reasoning": {THINK_CLOSE: "content"},
    "call": {CALL_CLOSE: "content"},
}


class StreamSplitter:
    """Split one output, fed in chunks, into reasoning, content and calls."""

    def __init__(self, opened: bool = False) -> None:
        """`opened`: the prompt opened <think>, so the output starts inside the reasoning."""
        self.state = "reasoning" if opened else "content"

    def feed(self, chunk: str) -> list[tuple[str, str]]:
        """Consume the next chunk; return the events that are safe to emit now."""
        raise NotImplementedError("write feed: see '1. Hold back a possible tag prefix' of the lesson")

    def close(self) -> list[tuple[str, str]]:
        """The output ended: return the last events (the held-back text, which was no tag)."""
        raise NotImplementedError("write close: what is still held back is text, unless it is a cut-off call")
