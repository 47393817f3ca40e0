"""Find where a `<tool_call>` block ends, one chunk at a time, without rescanning.

In XML blocks the end is simply the first `</tool_call>`. In JSON blocks a
string may legitimately contain `</tool_call>` (a model writing about tool
calls), so the scanner follows the JSON lexically: inside a string nothing is a
tag, and once the outermost object closes it is back to plain text. It keeps
its position (depth, inside a string, after a backslash) between chunks, so
each chunk is scanned once.

A raw newline cannot occur in a JSON string; when one does, the quotes cannot
be trusted (`"it"s"` opened a string the model never meant), and the scanner
falls back to plain text rather than swallow the rest of the output.

Outside JSON the scanner follows the XML structure in the same spirit: inside a
`<parameter=...>` value, `</tool_call>` is text until the value ends by the
rule in `xml_values`. If the output ends inside a value that never ended, the
stream parser scans the block again with `nesting` off, and if that fails too,
with `structural` off (the first `</tool_call>` ends it).
"""

from __future__ import annotations

import re

from agentkit.parsing.schema import tool_parameters
from agentkit.parsing.tags import BLOCK_TAGS, CALL_CLOSE, MAYBE, NON_SPACE, tag_at

FUNCTION_CLOSE = "</function>"
# A function whose values contain no "<" (parameters, then </function> or not).
PLAIN_XML_CALL = re.compile(
    r"(?:<function=[^<>\n]*>\s*(?:<parameter=[^<>\n]*>[^<]*</parameter>\s*)*(?:</function>\s*)?)+"
)
from agentkit.parsing.xml_values import OPEN_TAG, PARAMETER_CLOSE, ValueEnd, hold_point, parameter_checker

# The rest of a string's body: ends before its closing quote, a raw newline, a
# backslash at the end of the text, or the end of the text.
STRING_BODY = re.compile(r'[^"\\\n]*(?:\\.[^"\\\n]*)*')
# Plain JSON and whole strings, up to the next bracket, `<`, or unfinished string.
JSON_RUN = re.compile(r'(?:[^"{}\[\]<]+|"[^"\\\n]*(?:\\.[^"\\\n]*)*")*')


class BlockScanner:
    """The lexical state of one block's JSON, carried across chunks."""

    def __init__(self, tools: list[dict] | None = None) -> None:
        self.tools = tools
        self.structural = True  # follow XML values (off after a fallback, see above)
        self.nesting = True  # ... and calls opened inside them
        self.reset()

    def reset(self, unwrapped: bool = False) -> None:
        """Start a new block; `unwrapped`: a `<function=...>` with no `<tool_call>`, which
        ends at its `</function>`."""
        self.end_tags = (*BLOCK_TAGS, FUNCTION_CLOSE) if unwrapped else BLOCK_TAGS
        self.mode = "start"  # start -> json | plain
        self.depth = 0
        self.in_string = False
        self.escaped = False
        self.properties: dict | None = None  # of the current <function=...>
        self.assigned: set[str] = set()
        self.value: ValueEnd | None = None  # inside a <parameter=...> value

    @property
    def in_value(self) -> bool:
        """True while inside an XML value that has not ended yet."""
        return self.value is not None

    def scan(self, text: str, i: int, final: bool) -> tuple[int, str | None]:
        """Scan `text[i:]` for the tag that ends the block.

        Returns `(j, tag)` with the tag found at `j`, or `(j, None)`: no tag
        yet, everything before `j` belongs to the block, and `text[j:]` (if any)
        may start a tag and must be scanned again with more input.
        """
        n = len(text)
        while i < n:
            if self.mode == "start":
                found = NON_SPACE.search(text, i)
                if found is None:
                    return n, None
                i = found.start()
                self.mode = "json" if text[i] in "{[" else "plain"
                if self.mode == "plain" and (end := self._plain_call_end(text, i)) != -1:
                    return end, CALL_CLOSE
            elif self.mode == "plain":
                return self._scan_plain(text, i, final)
            elif self.escaped:
                self.escaped = False
                i += 1
            elif self.in_string:
                i = STRING_BODY.match(text, i).end()
                if i == n:
                    return n, None
                char, i = text[i], i + 1
                if char == "\\":  # the text ends right after a backslash
                    self.escaped = True
                elif char == '"':
                    self.in_string = False
                else:
                    self.mode = "plain"
            else:
                k = JSON_RUN.match(text, i).end()
                if k == n:
                    return n, None
                char, i = text[k], k + 1
                if char == "<":
                    tag = tag_at(text, k, BLOCK_TAGS, final)
                    if tag is not None:
                        return k, (None if tag == MAYBE else tag)
                elif char == '"':
                    self.in_string = True
                elif char in "{[":
                    self.depth += 1
                else:
                    self.depth -= 1
                    if self.depth <= 0:
                        self.mode = "plain"
        return n, None

    def follow(self, chunk: str) -> None:
        """`scan` a chunk with no `<` in it, which cannot end the block: the usual token of a call.

        In XML such a chunk changes nothing but, inside a value, whether the
        text so far ends a line (a `<parameter=...>` at a line start may end
        the value); asked directly, that is a third of the work of `scan`.
        """
        if self.mode != "plain":
            self.scan(chunk, 0, False)  # JSON: follow strings and brackets
        elif self.value is not None and chunk:
            self.value.newline_before = chunk[-1] == "\n"

    def _plain_call_end(self, text: str, i: int) -> int:
        """The first `</tool_call>` when the XML before it holds no markup in its values, else -1.

        The common case, decided by one regex: no `<` in any value means no
        value can contain `</tool_call>`, so the rule in `xml_values` and a
        plain search agree. (One scan, instead of following every tag.)
        """
        if not self.structural or self.end_tags is not BLOCK_TAGS:
            return -1
        end = text.find(CALL_CLOSE, i)
        return end if end != -1 and PLAIN_XML_CALL.fullmatch(text, i, end) else -1

    def _scan_plain(self, text: str, i: int, final: bool) -> tuple[int, str | None]:
        n = len(text)
        while True:
            if self.value is not None:
                k, status = self.value.scan(text, i, final)
                if status not in ("end", "open"):
                    return k, None
                self.value, i = None, k + (len(PARAMETER_CLOSE) if status == "end" else 0)
            k = text.find("<", i)
            while k != -1:
                tag = tag_at(text, k, self.end_tags, final)
                if tag is not None:
                    return k, (None if tag == MAYBE else tag)
                if self.structural and (opened := OPEN_TAG.match(text, k)):
                    self._open(opened.group(1), opened.group(2).strip())
                    i = opened.end()
                    break
                if self.structural and not final and hold_point(text, k) == k:
                    return k, None  # maybe the start of a tag that decides what follows
                k = text.find("<", k + 1)
            else:
                return n, None

    def _open(self, kind: str, name: str) -> None:
        if kind == "function":
            self.properties, self.assigned = tool_parameters(self.tools, name), set()
        else:
            self.assigned.add(name)
            self.value = ValueEnd(parameter_checker(self.properties, self.assigned), self.nesting)
