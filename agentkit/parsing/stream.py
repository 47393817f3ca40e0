"""The streaming parser: feed chunks, get safe deltas, calls and issues.

A small state machine over four states:

- `content`: visible text. `<think>` opens reasoning, `<tool_call>` opens a block.
- `reasoning`: inside `<think>`. `</think>` returns to content. A `<tool_call>`
  here is ambiguous until we know whether the think block closes later, so the
  parser enters `pending_call` and buffers.
- `pending_call`: a call inside reasoning. If `</think>` arrives, the call was
  only planned: the buffer is reasoning text and a `call_in_reasoning` warning.
  If the output ends first, the reasoning ended at the `<tool_call>` and the
  buffer is replayed as content, where the call counts.
- `block`: inside `<tool_call>`; `BlockScanner` finds the end, `parse_block`
  reads the call. Also used for a `<function=NAME>` of an offered tool written
  without its `<tool_call>` (a Qwen3.6 habit): it runs when its `</function>`
  arrives and it parses; otherwise the buffered text is replayed as content,
  once (no `<function=` before `_text_until` opens such a block again).

The block states live in `stream_blocks.py`. Only a possible tag prefix is held
back between chunks: shorter than the longest tag (22 characters) outside a
block, at most `HOLD_LIMIT` (230) inside one, where a tag's name decides what
follows. Held text is scanned again with the next chunk (inside a block, with
the next chunk that has a `>`, a `<` or a newline, the only ones that can
finish its tag: a `<parameter=content>` streamed in five chunks is scanned
twice, not five times), so the work per chunk is proportional to the chunk
plus that bounded prefix. Inside a block the text is buffered until the block
ends; the `pending_call` buffer is replayed once at most.
"""

from __future__ import annotations

from agentkit.parsing.block_scan import BlockScanner
from agentkit.parsing.messages import SNIPPET_BEFORE, make_issue, snippet_at
from agentkit.parsing.stream_blocks import BlockStates
from agentkit.parsing.tags import (
    CALL_CLOSE, CALL_OPEN, CONTENT_TAGS, DEBRIS, MAYBE, REASONING_TAGS, THINK_CLOSE,
    THINK_OPEN, UNWRAPPED_FUNCTION, tag_at,
)
from agentkit.parsing.trimmed_text import TrimmedText
from agentkit.parsing.types import (
    ContentDelta, Event, IssueEvent, ParsedTurn, ParseIssue, ReasoningDelta,
)

STATES = ("content", "reasoning", "pending_call", "block")
MERGE_LIMIT = 256  # longer held text is scanned again at each chunk: growing it without end would be quadratic
STRAY_WHERE = {THINK_CLOSE: "with no <think> open", CALL_CLOSE: "with no <tool_call> open"}


class StreamParser(BlockStates):
    """Parse one assistant output as it streams in. Never raises on input text."""

    def __init__(self, tools: list[dict] | None = None, prompt_opened_think: bool = False) -> None:
        self._tools = tools
        self._state = "reasoning" if prompt_opened_think else "content"
        self._pending = ""  # unscanned tail: a possible tag prefix
        self._base = 0  # offset of _pending[0] in the whole output
        self._content = TrimmedText(ContentDelta)
        self._reasoning = TrimmedText(ReasoningDelta)
        self._had_reasoning = prompt_opened_think
        self._calls, self._errors, self._warnings = [], [], []
        self._events: list[Event] = []
        self._block: list[str] = []  # the open block or pending_call buffer
        self._block_start = 0
        self._scanner = BlockScanner(tools)
        self._after_block = False  # only whitespace since the last block ended
        self._no_think_close_ahead = False
        self._unwrapped = False  # the open block is a <function=...> without <tool_call>
        self._text_until = 0  # a <function= before this offset is text (replayed)
        self._close_may_follow = False  # a </tool_call> here closes an unwrapped call
        self._recent_parts: list[str] = []  # the last pieces consumed (see `_recent`)
        self._closed = False
        self._turn: ParsedTurn | None = None

    def feed(self, chunk: str) -> list[Event]:
        """Consume the next piece of output; return the events it completes."""
        if self._closed:
            raise RuntimeError("feed() after finish(): use a new StreamParser for each output")
        self._events = events = []
        state = self._state
        if not self._pending and "<" not in chunk and state != "pending_call":
            # The fast path, most tokens: with no "<" in it, nothing in this
            # chunk is markup, and no tag can end a block inside it.
            if state == "reasoning":
                self._reasoning.add(chunk, events)
            elif state == "content":
                self._show(chunk)
            else:
                self._scanner.follow(chunk)
                self._block.append(chunk)
            recent = self._recent_parts
            recent.append(chunk)  # cheaper than keeping the string up to date per token
            if len(recent) > 32:
                self._recent = "".join(recent)[-SNIPPET_BEFORE:]
            self._base += len(chunk)
            return events
        if state == "block" and self._pending and len(self._pending) < MERGE_LIMIT and not (
                "<" in chunk or ">" in chunk or "\n" in chunk):
            # A tag held back inside a block, and no `>`, `<` or newline to finish it: scanning
            # it again now would most likely decide nothing. Merging this chunk into the next
            # changes no result (every chunking parses alike), and inside a block no delta waits.
            self._pending += chunk
            return events
        text = self._pending + chunk
        consumed = self._run(text, final=False)
        self._pending = text[consumed:]
        if consumed >= SNIPPET_BEFORE:
            self._recent = text[consumed - SNIPPET_BEFORE : consumed]
        else:
            self._recent = (self._recent + text[:consumed])[-SNIPPET_BEFORE:]
        self._base += consumed
        return events

    def close(self) -> list[Event]:
        """Signal the end of the output; return the last events (held text, cut calls)."""
        if self._closed:
            return []
        self._events = []
        self._closed = True
        text, self._pending = self._pending, ""
        end_snippet = (self._recent + text)[-SNIPPET_BEFORE:]
        fed = self._base + len(text)  # characters fed in all
        self._run(text, final=True)
        if self._state == "pending_call":
            # No </think> ever came: the reasoning ended at the <tool_call>, and
            # the call counts. Replay the buffer as content (once: no </think>
            # lies ahead, so no call can be pending again).
            buffered, self._base = "".join(self._block), self._block_start
            self._recent = ""  # the replay must not depend on how the input was chunked
            self._report("missing_close_tag", self._block_start, snippet_at(buffered, 0),
                         tag=THINK_CLOSE, where="before the tool call",
                         outcome="the reasoning ended at <tool_call> and the call was run.")
            self._no_think_close_ahead = True
            self._state = "content"
            self._run(buffered, final=True)
        if self._state == "block" and self._unwrapped:
            self._abandon_unwrapped()
        for fallback in ("nesting", "structural"):
            if self._state == "block" and self._scanner.in_value:
                # The output ended inside an XML value that never ended by the
                # rule: read the block again with less of the rule (see
                # `block_scan`); what is turned off stays off, so twice at most.
                buffered, self._base = "".join(self._block), self._block_start
                self._recent, self._state = "", "content"
                setattr(self._scanner, fallback, False)
                self._run(buffered, final=True)
        if self._state == "block":
            self._end_block("eof")
        elif self._state == "reasoning":
            self._report("missing_close_tag", fed, end_snippet, tag=THINK_CLOSE, where="at the end of the output",
                         outcome="everything after <think> was taken as reasoning.")
        return self._events

    def finish(self) -> ParsedTurn:
        """End the output (if not done yet) and return the whole parsed turn."""
        if self._turn is None:
            self.close()
            self._turn = ParsedTurn(
                content=self._content.text(),
                reasoning=self._reasoning.text() if self._had_reasoning else None,
                tool_calls=self._calls,
                errors=self._errors,
                warnings=self._warnings,
            )
        return self._turn

    @property
    def _recent(self) -> str:
        """The last characters consumed (up to SNIPPET_BEFORE), for issue snippets."""
        tail = "".join(self._recent_parts)[-SNIPPET_BEFORE:]
        self._recent_parts = [tail]
        return tail

    @_recent.setter
    def _recent(self, text: str) -> None:
        self._recent_parts = [text]

    # -- the state machine --------------------------------------------------

    def _run(self, text: str, final: bool) -> int:
        """Scan `text` from the start; return how much of it was consumed."""
        i, n = 0, len(text)
        while i < n:
            i, wait = STEPS[self._state](self, text, i, final)
            if wait:
                return i
        return n

    def _step_content(self, text: str, i: int, final: bool) -> tuple[int, bool]:
        j = i
        while (j := text.find("<", j)) != -1:
            tag = tag_at(text, j, CONTENT_TAGS, final)
            if tag is None:
                j += 1
                continue
            self._show(text[i:j])
            if tag == MAYBE:
                return j, True
            end, position = j + len(tag), self._base + j
            close_may_follow, self._close_may_follow = self._close_may_follow, False
            if tag == UNWRAPPED_FUNCTION and position >= self._text_until:
                name = self._offered_function(text, j, final)
                if name == MAYBE:
                    return j, True
                if name is not None:
                    self._open_block(position, unwrapped=True)
                    return j, False  # the block scans the <function=...> tag itself
            if tag == CALL_CLOSE and close_may_follow:
                return end, False  # the </tool_call> of a call that lacked its opener
            if tag == THINK_OPEN:
                self._state, self._had_reasoning = "reasoning", True
            elif tag == CALL_OPEN:
                self._open_block(position)
            elif tag in (THINK_CLOSE, CALL_CLOSE) or (tag in DEBRIS and self._after_block):
                where = STRAY_WHERE.get(tag, "after the tool call")
                self._report("stray_close_tag", position, self._snippet(text, j, tag), tag=tag, where=where)
            else:  # text that only looks like markup stays visible
                if tag == UNWRAPPED_FUNCTION:
                    self._report("unwrapped_call", position, self._snippet(text, j, tag))
                self._show(tag)
            return end, False
        self._show(text[i:])
        return len(text), False

    def _step_reasoning(self, text: str, i: int, final: bool) -> tuple[int, bool]:
        j = i
        while (j := text.find("<", j)) != -1:
            tag = tag_at(text, j, REASONING_TAGS, final)
            if tag is None:
                j += 1
                continue
            self._reasoning.add(text[i:j], self._events)
            if tag == MAYBE:
                return j, True
            end = j + len(tag)
            if tag == THINK_OPEN:
                # A repeated opening tag at the start is markup; later it is text.
                i, j = (j if self._reasoning.started else end), end
                continue
            if tag == THINK_CLOSE:
                self._state = "content"
            elif self._no_think_close_ahead:
                self._open_block(self._base + j)
            else:
                self._state, self._block, self._block_start = "pending_call", [tag], self._base + j
            return end, False
        self._reasoning.add(text[i:], self._events)
        return len(text), False

    # -- helpers -------------------------------------------------------------

    def _show(self, text: str) -> None:
        if text and self._content.add(text, self._events):
            self._after_block = self._close_may_follow = False

    def _snippet(self, text: str, index: int, tag: str) -> str:
        """The tag at `text[index]` and what came before it, however the input was chunked."""
        before = text[max(0, index - SNIPPET_BEFORE) : index]
        missing = SNIPPET_BEFORE - len(before)
        if missing:
            before = self._recent[-missing:] + before
        return before + tag

    def _report(self, code: str, position: int, snippet: str, **fields: object) -> None:
        self._record(make_issue(code, position, snippet, **fields))

    def _record(self, issue: ParseIssue) -> None:
        (self._errors if issue.is_error else self._warnings).append(issue)
        self._events.append(IssueEvent(issue))


# The step function of each state, looked up once for all parsers.
STEPS = {state: getattr(StreamParser, "_step_" + state) for state in STATES}

