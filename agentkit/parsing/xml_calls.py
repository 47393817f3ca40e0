"""The Qwen3-Coder XML dialect used by Qwen3.5 and Qwen3.6.

    <tool_call>
    <function=get_weather>
    <parameter=city>
    Seoul
    </parameter>
    </function>
    </tool_call>

Every value is text; `schema.convert_value` types it by the tool's schema.
Exactly one leading and one trailing newline of a value belong to the markup.
A value may contain markup of its own (a file that holds an example call);
`xml_values` decides which `</parameter>` ends it.
Recoveries, each a warning: a missing `</parameter>` (the value ends at the next
tag), a missing `</function>` when the block itself was closed, and stray
closing debris after the function (an extra `</function>`, a
`</function_invocation>`, as Qwen3.6-27B sometimes writes). Several
`<function=...>` blocks inside one `<tool_call>` give several calls.
"""

from __future__ import annotations

import re

from agentkit.parsing.messages import FIX_BY_DIALECT, make_issue, snippet_at
from agentkit.parsing.schema import convert_value, tool_parameters
from agentkit.parsing.types import BlockResult, ToolCall
from agentkit.parsing.xml_values import PARAMETER_CLOSE, ValueEnd, parameter_checker

FUNCTION_OPEN = re.compile(r"<function[ \t]*=")
NEXT_TAG = re.compile(r"<parameter[ \t]*=|</parameter>|</function>|<function")
VALUE_END = re.compile(r"</parameter>|<parameter[ \t]*=|</function>|<function[ \t]*=")
TAG_NAME = re.compile(r"<(?:function|parameter)[ \t]*=([^<>\n]*)>")
SPACE = re.compile(r"\s")
# One function whose values contain no "<", closed, nothing else in the block,
# its tags written as the template writes them (names without spaces or braces).
PLAIN_CALL = re.compile(r"\s*<function=([\w.:-]+)>\s*(?:<parameter=[\w.:-]+>[^<]*</parameter>\s*)*</function>\s*")
PLAIN_PARAMETER = re.compile(r"<parameter=([\w.:-]+)>([^<]*)</parameter>")
# A name copied from a template (`<function={{ name }}>`) is never a tool.
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{%|%\}")
DEBRIS = re.compile(r"\s*(</function>|</function_invocation>|</parameter>)")


class _Truncated(Exception):
    """The output ended inside this function block."""


class _Malformed(Exception):
    """A tag that cannot be read; carries the ready-made issue."""


def parse_xml(body: str, body_pos: int, raw: str, complete: bool, tools: list[dict] | None) -> BlockResult:
    """Parse the text between `<tool_call>` and `</tool_call>` as Qwen3-Coder XML."""
    result = BlockResult([], [])
    at = body.find("<function")
    if at == -1:  # parameters, but no function to give them to
        code = "missing_function_name" if complete else "truncated_tool_call"
        first = max(body.find("<parameter"), 0)
        result.issues.append(
            make_issue(code, body_pos + first, snippet_at(body, first), fix=FIX_BY_DIALECT["xml"])
        )
        return result
    if body[:at].strip():
        junk = body[:at].strip()
        result.issues.append(make_issue("leading_junk", body_pos, snippet_at(body, 0), junk=junk))
    parser = _FunctionParser(body, body_pos, raw, complete, tools, result)
    while at != -1:
        try:
            end = parser.parse_function(at)
        except _Truncated:
            result.issues.append(
                make_issue("truncated_tool_call", body_pos + at, snippet_at(body, at))
            )
            return result
        except _Malformed as problem:
            result.issues.append(problem.args[0])
            close = body.find("</function>", at)
            end = close + len("</function>") if close != -1 else len(body)
        at = body.find("<function", end)
        parser.check_tail(end, at if at != -1 else len(body))
    return result


def plain_arguments(text: str, start: int, end: int, tools: list[dict] | None) -> tuple[str, dict] | None:
    """The common case in two regexes, read in place in `text[start:end]`: one
    function whose values hold no '<', each parameter declared and set once,
    nothing to warn about. Gives `(name, arguments)` as the general path would;
    None for any other block."""
    whole = PLAIN_CALL.fullmatch(text, start, end)
    if whole is None:
        return None
    name = whole[1]
    schemas = tool_parameters(tools, name)
    arguments: dict = {}
    notes: list[str] = []  # one for the whole call: any note at all means a warning
    for param, value in PLAIN_PARAMETER.findall(text, start, end):  # only the parameters can match
        if param in arguments or (schemas is not None and param not in schemas):
            return None  # the structural rule in `xml_values` decides those
        arguments[param], expected = convert_value(_unwrap(value), schemas.get(param) if schemas else None, notes)
        if expected is not None:
            return None  # a warning, which needs the value's position
    return None if notes else (name, arguments)


def _unwrap(value: str) -> str:
    # Exactly one newline on each side is markup (the template writes them).
    return value.removeprefix("\n").removesuffix("\n")


class _FunctionParser:
    """Reads `<function=...>` blocks out of one tool-call body."""

    def __init__(self, body, body_pos, raw, complete, tools, result):
        self.body, self.body_pos, self.raw = body, body_pos, raw
        self.complete, self.tools, self.result = complete, tools, result
        # Which tiers of the rule in `xml_values` may still find a value's end.
        self.tiers = [True, False]  # with nesting, without

    def warn(self, code: str, at: int, **fields: object) -> None:
        self.result.issues.append(make_issue(code, self.body_pos + at, snippet_at(self.body, at), **fields))

    def parse_function(self, at: int) -> int:
        """Parse the function starting at `at`; return the index after it."""
        body = self.body
        if not FUNCTION_OPEN.match(body, at):
            if not self.complete and "<function=".startswith(body[at:].replace(" ", "")):
                raise _Truncated
            raise _Malformed(self.malformed(at, "function"))
        name, pos = self.read_name(at, "function")
        schemas = tool_parameters(self.tools, name)
        arguments: dict = {}
        while True:
            tag = NEXT_TAG.search(body, pos)
            if tag is None or tag.group() == "<function":
                # The function never closed: fine inside a closed block, a
                # cut-off call at the end of the output.
                if not self.complete:
                    raise _Truncated
                self.warn("missing_close_tag", tag.start() if tag else len(body),
                          tag="</function>", where=f"after the call to {name}",
                          outcome="the call was run.")
                pos = tag.start() if tag else len(body)
                break
            if body[pos : tag.start()].strip():
                self.warn("trailing_junk", pos, junk=body[pos : tag.start()].strip())
            if tag.group() == "</function>":
                pos = tag.end()
                break
            if tag.group() == "</parameter>":
                self.warn("stray_close_tag", tag.start(), tag="</parameter>", where=f"in the call to {name}")
                pos = tag.end()
                continue
            pos = self.read_parameter(tag.start(), name, schemas, arguments)
        self.result.calls.append(ToolCall(name=name, arguments=arguments, raw=self.raw, dialect="xml"))
        return pos

    def read_parameter(self, at: int, name: str, schemas: dict | None, arguments: dict) -> int:
        body = self.body
        param, start = self.read_name(at, "parameter")
        end, after = self.structural_end(start, schemas, {*arguments, param})
        end_tag = VALUE_END.search(body, start) if end is None else None
        if end is not None:
            if after == end:
                self.warn("missing_close_tag", end, tag="</parameter>",
                          where=f"after parameter {param!r} of {name}", outcome="the value ends at the next tag.")
        elif end_tag is not None and end_tag.group() == "</parameter>":
            end, after = end_tag.start(), end_tag.end()
        else:
            if end_tag is None and not self.complete:
                raise _Truncated
            end = after = end_tag.start() if end_tag else len(body)
            self.warn("missing_close_tag", end, tag="</parameter>",
                      where=f"after parameter {param!r} of {name}", outcome="the value ends at the next tag.")
        self.convert(body[start:end], start, name, param, schemas, arguments)
        return after

    def convert(self, value: str, start: int, name: str, param: str, schemas: dict | None, arguments: dict) -> None:
        """Type one value by its schema into `arguments`, with the warnings that brings."""
        value = _unwrap(value)
        schema = schemas.get(param) if schemas else None
        notes: list[str] = []
        converted, expected = convert_value(value, schema, notes)
        if expected is not None:
            self.warn("schema_mismatch", start, value=value[:60], param=param, name=name, expected=expected)
        for how in notes:
            self.warn("value_as_text", start, param=param, name=name, how=how)
        arguments[param] = converted

    def structural_end(self, start: int, properties: dict | None, assigned: set[str]) -> tuple[int | None, int]:
        """`(end, after)` of the value at `start` by the rule in `xml_values`; `after == end`
        when no `</parameter>` closed it; `(None, 0)` when the rule finds no end."""
        for nesting in list(self.tiers):
            value = ValueEnd(parameter_checker(properties, assigned), nesting)
            end, status = value.scan(self.body, start, final=True)
            if status in ("end", "open"):
                return end, end + (len(PARAMETER_CLOSE) if status == "end" else 0)
            # A later value scans the rest of the same text with fewer names
            # free, so this tier is given up for the block: that keeps the
            # parser linear on hostile input (one failed scan per tier).
            self.tiers.remove(nesting)
        return None, 0

    def read_name(self, at: int, kind: str) -> tuple[str, int]:
        """Read NAME from `<kind=NAME>` at `at`; return (name, index after '>')."""
        match = TAG_NAME.match(self.body, at)
        if match is None:
            rest = self.body[at + 1 :]
            if not self.complete and not any(c in rest for c in "<>\n"):
                raise _Truncated
            raise _Malformed(self.malformed(at, kind))
        name = match.group(1).strip()
        if kind == "function" and not name:
            raise _Malformed(make_issue("missing_function_name", self.body_pos + at,
                                        snippet_at(self.body, at), fix=FIX_BY_DIALECT["xml"]))
        if kind == "function" and PLACEHOLDER.search(name):
            raise _Malformed(make_issue("placeholder_name", self.body_pos + at,
                                        snippet_at(self.body, at), name=name))
        if not name or SPACE.search(name):
            raise _Malformed(self.malformed(at, kind))
        return name, match.end()

    def malformed(self, at: int, kind: str):
        line_end = self.body.find("\n", at)
        tag = self.body[at : line_end if line_end != -1 else at + 40][:40]
        return make_issue("malformed_function_tag", self.body_pos + at,
                          snippet_at(self.body, at), tag=tag, kind=kind)

    def check_tail(self, start: int, end: int) -> None:
        """Report what follows a function: closing debris, then any other text."""
        pos = start
        while (debris := DEBRIS.match(self.body, pos, end)) is not None:
            self.warn("stray_close_tag", debris.start(1), tag=debris.group(1), where="after the function")
            pos = debris.end()
        junk = self.body[pos:end].strip()
        if junk:
            self.warn("trailing_junk", pos + len(self.body[pos:end]) - len(self.body[pos:end].lstrip()), junk=junk[:60])
