"""A correct streaming splitter."""

from __future__ import annotations

TAGS = {
    "content": {"<think>": "reasoning", "<tool_call>": "call"},
    "reasoning": {"</think>": "content"},
    "call": {"</tool_call>": "content"},
}


class StreamSplitter:
    def __init__(self, opened: bool = False) -> None:
        self.state = "reasoning" if opened else "content"
        self.held = ""  # a possible tag prefix, or the open call's text
        self.call = ""

    def feed(self, chunk: str) -> list[tuple[str, str]]:
        events: list[tuple[str, str]] = []
        text, self.held = self.held + chunk, ""
        i = 0
        while i < len(text):
            j = text.find("<", i)
            if j == -1:
                self.emit(text[i:], events)
                return events
            self.emit(text[i:j], events)
            tags = TAGS[self.state]
            tag = next((t for t in tags if text.startswith(t, j)), None)
            if tag is not None:
                if self.state == "call":
                    events.append(("call", self.call))
                    self.call = ""
                self.state = tags[tag]
                i = j + len(tag)
            elif any(t.startswith(text[j:]) for t in tags):
                self.held = text[j:]  # may still become a tag
                return events
            else:
                self.emit("<", events)
                i = j + 1
        return events

    def close(self) -> list[tuple[str, str]]:
        events: list[tuple[str, str]] = []
        self.emit(self.held, events)
        self.held = ""
        return events

    def emit(self, text: str, events: list[tuple[str, str]]) -> None:
        if not text:
            return
        if self.state == "call":
            self.call += text  # a call is emitted whole, at its end
        else:
            events.append((self.state, text))
