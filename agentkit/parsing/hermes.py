"""The Hermes JSON dialect: one JSON object per `<tool_call>` block.

    <tool_call>
    {"name": "get_weather", "arguments": {"city": "Seoul"}}
    </tool_call>

The object is decoded by its own boundary (`raw_decode`), so text after it is
reported as junk instead of breaking the call. Recoveries, each a warning:
trailing junk, `arguments` given as a JSON string, `parameters` instead of
`arguments`, a Python literal (single quotes, True/None), and several calls
as one JSON list (mlx-lm accepts that too).
"""

from __future__ import annotations

import json
from typing import Any

from agentkit.parsing.messages import FIX_BY_DIALECT, make_issue, snippet_at
from agentkit.parsing.schema import LiteralRefused, python_literal
from agentkit.parsing.types import BlockResult, ToolCall

DECODER = json.JSONDecoder(strict=False)
JSON_TYPE_NAMES = {list: "a list", str: "a string", int: "a number", float: "a number",
                   bool: "a boolean", type(None): "null"}


def parse_hermes(body: str, body_pos: int, raw: str, complete: bool) -> BlockResult:
    """Parse the text between `<tool_call>` and `</tool_call>` as Hermes JSON.

    `body_pos` is where `body` starts in the whole output (for issue positions);
    `complete` is False when the output ended before the block was closed.
    """
    result = BlockResult([], [])
    start = len(body) - len(body.lstrip())
    if not body.startswith(("{", "["), start):
        # Not a JSON value after the spaces: read from the first `{`, if any,
        # and report what came before it.
        start = max(body.find("{"), start)
        if body[:start].strip():
            junk = body[:start].strip()
            result.issues.append(make_issue("leading_junk", body_pos, snippet_at(body, 0), junk=junk))
    value, end, problem = _decode(body, start)
    if problem is not None:
        code = "truncated_tool_call" if not complete else "invalid_json"
        position = body_pos + (start if code == "truncated_tool_call" else end)
        snippet = snippet_at(body, start if code == "truncated_tool_call" else end)
        result.issues.append(make_issue(code, position, snippet, detail=problem))
        return result
    if end < 0:  # the value was read as a Python literal
        result.issues.append(make_issue("python_literal", body_pos + start, snippet_at(body, start)))
        end = -end
    junk = body[end:].strip()
    if junk:
        junk_at = end + (len(body[end:]) - len(body[end:].lstrip()))
        result.issues.append(
            make_issue("trailing_junk", body_pos + junk_at, snippet_at(body, junk_at), junk=junk)
        )
    if type(value) is dict:  # the usual case: one call
        _add_call(value, result, body, body_pos, start, raw)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        result.issues.append(make_issue("calls_as_list", body_pos + start, snippet_at(body, start)))
        for item in value:
            _add_call(item, result, body, body_pos, start, raw)
    else:
        _add_call(value, result, body, body_pos, start, raw)
    # One clean call and no `<` anywhere: nothing the block scanner could
    # read as markup (see `BlockResult.plain`).
    result.plain = len(result.calls) == 1 and not result.issues and "<" not in body
    return result


def plain_arguments(text: str, start: int, end: int) -> tuple[str, dict] | None:
    """`(name, arguments)` of the usual block, read in place: the JSON object at
    `text[start]` has a name and an `arguments` object, only spaces follow it up
    to `end`, and `text[start:end]` holds no `<`. That is exactly what
    `parse_hermes` reads as one call with no issue and calls plain; None for
    anything else, which `parse_hermes` reads."""
    if text.find("<", start, end) != -1:
        return None
    try:
        value, stop = DECODER.raw_decode(text, start)
    except (ValueError, RecursionError):  # the general path says what went wrong
        return None
    # `stop > end`: a string ran on past the block's end, which the general path reports.
    if type(value) is not dict or stop > end or (stop < end and not text[stop:end].isspace()):
        return None
    name, arguments = value.get("name"), value.get("arguments")
    if type(name) is not str or type(arguments) is not dict:
        return None
    name = name.strip()
    return (name, arguments) if name else None


def _decode(body: str, start: int) -> tuple[Any, int, str | None]:
    """(value, end, None) for JSON; end is negative for a Python literal.

    On failure returns (None, error_index, description).
    """
    try:
        value, end = DECODER.raw_decode(body, start)
        return value, end, None
    except json.JSONDecodeError as error:
        failure = (None, error.pos, f"{error.msg} at character {error.pos - start}")
    except ValueError:  # Python refuses integers of more than 4300 digits
        return None, start, "a number has too many digits to decode"
    except RecursionError:
        return None, start, "the objects and lists are nested too deeply to decode"
    # A Python literal has no decoder that stops at its end, so try the text up
    # to the last closing bracket.
    last = max(body.rfind("}"), body.rfind("]"))
    if last > start:
        try:
            value = python_literal(body[start : last + 1])
        except LiteralRefused as error:  # too long, or a `...` where a value belongs
            return None, start, str(error)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return failure
        if isinstance(value, (dict, list)):
            return value, -(last + 1), None
    return failure


def _add_call(item: Any, result: BlockResult, body: str, body_pos: int, start: int, raw: str) -> None:
    """Add the call `item` describes (the value at `body[start]`), or the issue that lost it."""
    if not isinstance(item, dict):
        detail = f"the call is {JSON_TYPE_NAMES.get(type(item), 'not an object')}, not an object"
        result.issues.append(make_issue("invalid_json", body_pos + start, snippet_at(body, start), detail=detail))
        return
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        fix = FIX_BY_DIALECT["hermes"]
        result.issues.append(make_issue("missing_function_name", body_pos + start, snippet_at(body, start), fix=fix))
        return
    name = name.strip()
    if "arguments" in item:
        arguments = item["arguments"]
    else:
        arguments = item.get("parameters")
        if "parameters" in item:
            result.issues.append(make_issue("parameters_key", body_pos + start, snippet_at(body, start), name=name))
    if arguments is None:  # a call to a tool without parameters
        arguments = {}
    if isinstance(arguments, str):
        decoded = _decode_string_arguments(arguments)
        if isinstance(decoded, dict):
            result.issues.append(make_issue("arguments_as_string", body_pos + start, snippet_at(body, start),
                                            name=name))
            arguments = decoded
    if not isinstance(arguments, dict):
        kind = JSON_TYPE_NAMES.get(type(arguments), "that")
        result.issues.append(make_issue("arguments_not_object", body_pos + start, snippet_at(body, start),
                                        name=name, kind=kind))
        return
    result.calls.append(ToolCall(name=name, arguments=arguments, raw=raw, dialect="hermes"))


def _decode_string_arguments(text: str) -> Any:
    if not text.strip():
        return {}
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None
