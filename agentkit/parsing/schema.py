"""Turn the text of an XML `<parameter>` into a typed value, guided by JSON schema.

In the Qwen3-Coder XML dialect every value is text; only the tool's schema says
whether "42" is a number or a string. The rules, in order:

- A parameter with no schema (unknown tool, unknown parameter, no `tools`)
  keeps its text, except that text which is clearly a JSON object or array
  (starts with `{` or `[` and decodes) is decoded. mlx-lm decodes such text
  only for known parameters without a `type`; we also do it for unknown ones,
  because a model that sends `{"a": 1}` meant an object far more often than
  the string.
- `string` keeps the text as is. `integer`, `number`, `boolean`, `null` parse
  the trimmed text (`3.0` is accepted as the integer 3; `True` as true).
  `object` and `array` decode JSON; failing that, a JSON string that holds
  the JSON (`"{\\"a\\": 1}"`) or a Python literal (`{'a': 1}`, read by
  `ast.literal_eval`, never eval, and only up to `MAX_LITERAL_CHARS`) is
  decoded too, and the caller warns (`value_as_text`).
- `null` in any case is JSON null for a parameter that cannot hold text
  (integer, number, boolean, object, array); for a string it stays "null".
- `enum` without a `type`: the text if it is a member, else its JSON decoding
  if that is a member.
- Unions (`"type": ["integer", "null"]`, `anyOf`, `oneOf`): `null` first, then
  every non-string alternative in the order given, then string. So "5" under
  `["integer", "string"]` is 5: text cannot say which one was meant, and a
  non-string reading is the only reason to declare the union.
- When nothing fits, the text is kept and the caller reports `schema_mismatch`,
  so the tool's own validation can tell the model what it expected.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from typing import Any

# Type names seen in real tool schemas besides the JSON-schema ones (mlx-lm
# accepts the same families).
TYPE_ALIASES = {
    "str": "string", "text": "string", "varchar": "string", "char": "string",
    "int": "integer", "long": "integer", "short": "integer", "uint": "integer",
    "float": "number", "double": "number", "decimal": "number",
    "bool": "boolean", "binary": "boolean",
    "dict": "object", "map": "object", "list": "array", "arr": "array",
    "none": "null",
}
INTEGER_TEXT = re.compile(r"[+-]?\d+")
NOT_TEXT = frozenset({"integer", "number", "boolean", "null", "object", "array"})
JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "null", "object", "array"})
FAILED = object()


def tool_parameters(tools: list[dict] | None, name: str) -> dict[str, Any] | None:
    """The `properties` of the named tool's parameters, or None if unknown.

    Accepts the OpenAI form `{"type": "function", "function": {...}}` and the
    bare `{"name": ..., "parameters": ...}` form.
    """
    for tool in tools or ():
        if not isinstance(tool, dict):
            continue
        function = tool.get("function", tool)
        if isinstance(function, dict) and function.get("name") == name:
            parameters = function.get("parameters") or {}
            properties = parameters.get("properties") if isinstance(parameters, dict) else None
            return properties if isinstance(properties, dict) else {}
    return None


def convert_value(text: str, schema: Any, notes: list[str] | None = None) -> tuple[Any, str | None]:
    """Return `(value, None)`, or `(text, expected)` when the text does not fit.

    When an object or array was recovered from a JSON string or a Python
    literal, how it was written is appended to `notes` (for a warning).
    """
    if not isinstance(schema, dict) or not schema:
        return decode_untyped(text), None
    kind = schema.get("type")
    if isinstance(kind, str) and "anyOf" not in schema and "oneOf" not in schema:
        # The common case first: one type, what `_alternatives` would find.
        if kind == "string":
            return text, None
        kind = _type_name(kind)
        if kind in ("integer", "number", "boolean"):
            # No number or boolean is read from "null", so trying the type
            # before the null rule below gives the same answer.
            value = _convert_one(text, kind, schema, notes)
            if value is not FAILED:
                return value, None
        alternatives = [(kind, schema)]
    else:
        alternatives = _alternatives(schema)
    names = [kind for kind, _ in alternatives]
    if not names:
        return decode_untyped(text), None
    if names == ["string"]:
        return text, None
    lowered = text.strip().lower()
    if ("null" in names and lowered in ("null", "none")) or (lowered == "null" and NOT_TEXT.issuperset(names)):
        return None, None  # `null` can only be JSON null for a parameter that takes no text
    for kind, alt in alternatives:
        if kind not in ("string", "null"):
            value = _convert_one(text, kind, alt, notes)
            if value is not FAILED:
                return value, None
    if "string" in names:
        return text, None
    return text, " or ".join(_describe(kind, alt) for kind, alt in alternatives)


def decode_untyped(text: str) -> Any:
    """Text with no schema: decode a JSON object or array, keep anything else."""
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        value = _json(stripped)
        if isinstance(value, (dict, list)):
            return value
    return text


def _alternatives(schema: dict) -> list[tuple[str, dict]]:
    """Flatten a schema into (type, schema) alternatives; [] means "untyped"."""
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list):
            return [alt for sub in schema[key] if isinstance(sub, dict) for alt in _alternatives(sub)]
    kind = schema.get("type")
    if isinstance(kind, str):
        return [(_type_name(kind), schema)]
    if isinstance(kind, list):
        return [(_type_name(k), schema) for k in kind if isinstance(k, str)]
    if isinstance(schema.get("enum"), list):
        return [("enum", schema)]
    if "properties" in schema:
        return [("object", schema)]
    if "items" in schema:
        return [("array", schema)]
    return []


def _type_name(name: str) -> str:
    if name in JSON_TYPES:
        return name
    name = name.strip().lower()
    return TYPE_ALIASES.get(name, name)


def _convert_one(text: str, kind: str, alt: dict, notes: list[str] | None) -> Any:
    """The value of `text` as the single type `kind` (schema `alt`), or FAILED."""
    stripped = text.strip()
    if kind == "integer":
        if INTEGER_TEXT.fullmatch(stripped):
            return _int(stripped)
        number = _number(stripped)
        if isinstance(number, float) and number.is_integer():
            return int(number)
        return FAILED
    if kind == "number":
        return _number(stripped)
    if kind == "boolean":
        lowered = stripped.lower()
        return lowered == "true" if lowered in ("true", "false") else FAILED
    if kind in ("object", "array"):
        value, how = decode_container(stripped, dict if kind == "object" else list)
        if how is not None and notes is not None:
            notes.append(how)
        return value
    if kind == "enum":
        members = alt["enum"]
        if text in members:
            return text
        value = _json(stripped)
        same = any(value == m and type(value) is type(m) for m in members)
        return value if value is not FAILED and same else FAILED
    return FAILED


def decode_container(text: str, wanted: type) -> tuple[Any, str | None]:
    """An object or array from `text`: `(value, how)`, `how` None for plain JSON; or `(FAILED, None)`.

    Models also write the container as a JSON string holding its JSON
    (`"{\\"a\\": 1}"`) or as a Python literal (`{'a': 1, 'b': None}`); `how` names
    which, so the caller can warn.
    """
    value = _json(text)
    if isinstance(value, wanted):
        return value, None
    if isinstance(value, str):
        inner = _json(value.strip())
        if isinstance(inner, wanted):
            return inner, "a JSON string holding JSON"
    value = _python_literal(text)
    if isinstance(value, wanted):
        return value, "a Python literal"
    return FAILED, None


def _describe(kind: str, alt: dict) -> str:
    if kind == "enum":
        return "one of " + json.dumps(alt["enum"], ensure_ascii=False)
    return kind


def _json(text: str) -> Any:
    # Decoding must never raise: huge integers (ValueError) and deep nesting
    # (RecursionError) are reachable from model output.
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return FAILED


def _python_literal(text: str) -> Any:
    try:
        return python_literal(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return FAILED


# Python's parser spends about 5 us per character on hostile input such as
# "1+1+1+...", so literals longer than this are not parsed at all; JSON, which
# has a linear decoder, has no such limit. Nesting needs no guard of its own:
# the parser refuses more than 200 open brackets and deep operator chains end
# in RecursionError, which every caller catches.
MAX_LITERAL_CHARS = 64_000


class LiteralRefused(ValueError):
    """Text that may be a literal but is not parsed or not accepted; says why."""


def python_literal(text: str) -> Any:
    """A Python literal (`{'a': True}`) as JSON data, parsed safely: `ast.literal_eval`, never eval.

    Raises `LiteralRefused` for text too long to parse safely and for values
    JSON has no form for (`...`, which would otherwise reach the trace as an
    `Ellipsis` that pydantic cannot serialize); ValueError, SyntaxError,
    TypeError, MemoryError or RecursionError for text that is not a literal.
    """
    if len(text) > MAX_LITERAL_CHARS:
        raise LiteralRefused(f"a Python literal longer than {MAX_LITERAL_CHARS} characters")
    with warnings.catch_warnings():  # odd input makes the compiler print SyntaxWarnings
        warnings.simplefilter("ignore", SyntaxWarning)
        return _json_compatible(ast.literal_eval(text))


def _json_compatible(value: Any) -> Any:
    """String keys, lists for tuples and sets, text for bytes; `...` is refused."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else str(k): _json_compatible(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_json_compatible(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, complex):
        return str(value)
    if value is Ellipsis:
        raise LiteralRefused("'...' stands for a value; write the value itself")
    return value


def _int(text: str) -> Any:
    try:
        return int(text)
    except ValueError:  # more digits than Python's int-from-text limit
        return FAILED


def _number(text: str) -> Any:
    value = _json(text)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    try:
        return float(text)
    except ValueError:
        return FAILED
