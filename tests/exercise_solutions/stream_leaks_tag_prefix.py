"""Wrong: looks for tags inside each chunk only, so a tag cut between chunks is shown as text."""

from __future__ import annotations

TAGS = {
    "content": {"<think>": "reasoning", "<tool_call>": "call"},
    "reasoning": {"</think>": "content"},
    "call": {"</tool_call>": "content"},
}


class StreamSplitter:
    def __init__(self, opened: bool = False) -> None:
        self.state = "reasoning" if opened else "content"
        self.call = ""

    def feed(self, chunk: str) -> list[tuple[str, str]]:
        events = []
        while chunk:
            found = [(chunk.find(t), t) for t in TAGS[self.state] if t in chunk]
            if not found:
                self.emit(chunk, events)
                break
            at, tag = min(found)
            self.emit(chunk[:at], events)
            if self.state == "call":
                events.append(("call", self.call))
                self.call = ""
            self.state = TAGS[self.state][tag]
            chunk = chunk[at + len(tag):]
        return events

    def close(self) -> list[tuple[str, str]]:
        return []

    def emit(self, text, events):
        if self.state == "call":
            self.call += text
        elif text:
            events.append((self.state, text))
