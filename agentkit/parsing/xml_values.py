"""Where an XML parameter value ends when the value itself contains markup.

A coding agent writes files that contain tool-call markup: a test fixture for
a parser, a template, documentation with an example call. So the first
`</parameter>` after `<parameter=content>` cannot be trusted to end the value.
The rule, applied the same way by the block scanner (which must not end a
block at a `</tool_call>` inside a value) and by the XML parser:

- A call opened inside the value (`<tool_call>` or `<function=...>`) is text
  up to its own `</tool_call>` or `</function>`: a whole example call, whose
  `</parameter>` lines look exactly like the end of a value, stays in it.
- Any other `</parameter>` ends the value only when what follows it, after
  whitespace, is `<parameter=NAME>` for a parameter of this function that is
  not set yet, `</function>`, `</tool_call>`, or the end of the output.
  Otherwise it is text: `<parameter=path>x</parameter>` in a fixture, or a
  line `</parameter>` followed by `<parameter=body>` when `body` is not one
  of the tool's parameters (or is already set).
- A line that starts with `<parameter=NAME>`, for such a parameter, ends the
  value without a `</parameter>` (status `open`): models do drop that tag.

A value that opens a call and never closes it (prose: "wrap it in
<tool_call>") would never end; then the rule is applied again without the
nesting, and if even that finds no end, the value ends at the first tag (a
missing `</parameter>`, a recovery of its own).

Tags may have spaces around `=` and before `>` (`<function = f>`), as real
outputs sometimes do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

PARAMETER_CLOSE = "</parameter>"
NAME_LIMIT = 200  # longer "names" are text, which also bounds what a stream holds back
# The tags that matter inside a value: a call opened or closed, and </parameter>.
NESTING_TAG = re.compile(
    r"<(?:(tool_call)>|/(tool_call|function|parameter)>|(function|parameter)[ \t]*=[ \t]*([^<>\n]{1,%d}?)[ \t]*>)"
    % NAME_LIMIT
)
OPEN_TAG = re.compile(r"<(function|parameter)[ \t]*=[ \t]*([^<>\n]{0,%d}?)[ \t]*>" % NAME_LIMIT)
# What may follow a `</parameter>` that ends a value.
AFTER_CLOSE = re.compile(r"</function>|</tool_call>|<parameter[ \t]*=[ \t]*([^<>\n]{1,%d}?)[ \t]*>" % NAME_LIMIT)
PARTIAL_AFTER_CLOSE = re.compile(r"<(?:parameter[ \t]*(?:=[^<>\n]{0,%d})?)?\Z" % NAME_LIMIT)
SPACE = re.compile(r"\s*")
SPACE_LIMIT = 1000  # a `</parameter>` followed by more whitespace than this is not waited on
HOLD_LIMIT = NAME_LIMIT + 30


def hold_point(text: str, start: int) -> int:
    """Where a tag may begin that the end of `text` cuts off (len(text) if none).

    A stream must not decide on a tag it has only seen part of, or the result
    would depend on how the output was cut into chunks.
    """
    k = text.rfind("<", max(start, len(text) - HOLD_LIMIT))
    if k == -1 or ">" in text[k:] or "\n" in text[k:]:
        return len(text)
    return k


class ValueEnd:
    """Finds the `</parameter>` that ends one value, one chunk at a time."""

    def __init__(self, accepts: Callable[[str], bool], nesting: bool = True) -> None:
        self.accepts = accepts  # is NAME a parameter of this function, not set yet?
        self.nesting = nesting  # follow calls opened inside the value
        self.depth = 0  # calls opened inside the value and not closed yet
        self.newline_before = False  # did the text scanned so far end with a newline?

    def scan(self, text: str, i: int, final: bool) -> tuple[int, str]:
        """Scan `text[i:]`: `(k, "end")` when the `</parameter>` at `k` ends the value;
        `(k, "open")` when the `<parameter=...>` at `k` does; `(k, "wait")` when
        `text[k:]` must be scanned again with more input; `(len(text), "more")`."""
        first = text.find("<", i)
        if first == -1:  # no tag at all: the usual chunk of a value being streamed
            self._remember(text, i, len(text))
            return len(text), "more"
        if not self.depth and text.startswith(PARAMETER_CLOSE, first):
            # The common case first: a plain value and its </parameter>.
            verdict = self._verdict(text, first + len(PARAMETER_CLOSE), final)
            if verdict != "text":
                self._remember(text, i, first)
                return first, verdict
        limit = len(text) if final else hold_point(text, i)
        for tag in NESTING_TAG.finditer(text, i, limit):
            k = tag.start()
            if tag.group(1) or tag.group(3) == "function":
                self.depth += self.nesting
            elif tag.group(3):  # <parameter=NAME>
                line_start = text[k - 1] == "\n" if k > i else self.newline_before
                if not self.depth and line_start and self.accepts(tag.group(4).strip()):
                    return k, "open"
            elif self.depth:
                self.depth -= tag.group(2) != "parameter"
            elif tag.group(2) == "parameter":
                verdict = self._verdict(text, tag.end(), final)
                if verdict != "text":
                    self._remember(text, i, k)
                    return k, verdict
        self._remember(text, i, limit)
        return limit, ("more" if limit == len(text) else "wait")

    def _remember(self, text: str, i: int, k: int) -> None:
        # Scanning resumes at k, perhaps in a new text that starts there.
        if k > i:
            self.newline_before = text[k - 1] == "\n"

    def _verdict(self, text: str, after: int, final: bool) -> str:
        """`end`, `text` or `wait`, for the `</parameter>` that ends at `after`."""
        k = SPACE.match(text, after, after + SPACE_LIMIT + 1).end()
        if k - after > SPACE_LIMIT:
            return "text"
        if k == len(text):
            return "end" if final else "wait"
        follow = AFTER_CLOSE.match(text, k)
        if follow is not None:
            return "end" if follow.group(1) is None or self.accepts(follow.group(1).strip()) else "text"
        if not final and PARTIAL_AFTER_CLOSE.match(text, k) and len(text) - k < HOLD_LIMIT:
            return "wait"
        if not final and ("</function>".startswith(text[k:]) or "</tool_call>".startswith(text[k:])):
            return "wait"
        return "text"


def parameter_checker(properties: dict | None, assigned: set[str]) -> Callable[[str], bool]:
    """`accepts` for `ValueEnd`: a parameter the tool declares (any, if the tool is unknown), not set yet."""
    if properties is None:
        return lambda name: name not in assigned
    return lambda name: name in properties and name not in assigned
