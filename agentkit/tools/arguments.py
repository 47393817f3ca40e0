"""From a Python signature to a JSON schema, and from model arguments back to Python.

pydantic does the heavy lifting twice: it builds the JSON schema that tells the
model what to send, and it validates what the model actually sent against the
same model. One source of truth (the type hints) means the schema and the check
can never disagree.
"""

import inspect
import json
from typing import Annotated, Any, Callable, get_type_hints

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model

# Key order inside one property schema. pydantic sorts keys alphabetically;
# we put the type first because that is the order people write (and read) them
# and because the toy models are trained on exactly these bytes.
_KEY_ORDER = ("type", "enum", "items", "anyOf", "description", "default")


def build_arguments_model(fn: Callable, arg_docs: dict[str, str]) -> type[BaseModel]:
    """Build a pydantic model whose fields are the parameters of ``fn``."""
    hints = get_type_hints(fn)
    fields: dict[str, Any] = {}
    for param in inspect.signature(fn).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(
                f"tool {fn.__name__!r} takes *{param.name}: a tool needs named, "
                "typed parameters so the schema can list them. Replace it with "
                "explicit parameters."
            )
        if param.name not in hints:
            raise TypeError(
                f"parameter {param.name!r} of tool {fn.__name__!r} has no type hint: "
                "add one (e.g. `city: str`) so the schema can tell the model what to send."
            )
        default = ... if param.default is param.empty else param.default
        hint = hints[param.name]
        if hint in (int, float):  # the validator adds no schema text: the model reads the same schema
            hint = Annotated[hint, BeforeValidator(_not_a_bool)]
        fields[param.name] = (hint, Field(default, description=arg_docs.get(param.name)))
    unknown = set(arg_docs) - set(fields)
    if unknown:
        raise TypeError(
            f"the docstring of tool {fn.__name__!r} documents {sorted(unknown)} "
            "which are not parameters: fix the Args section."
        )
    # extra="forbid": an argument the function does not take is a model mistake
    # worth reporting, not something to drop silently. Numbers are accepted for
    # string parameters because models often write `"expression": 2+3` as 5.
    config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    return create_model(f"{fn.__name__}_arguments", __config__=config, **fields)


def _not_a_bool(value: Any) -> Any:
    # pydantic reads `true` as 1 for a number; a model that sends `true` for a
    # number has made a mistake worth telling it about, not a 1.
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    return value


def parameters_schema(model: type[BaseModel]) -> dict:
    """The JSON schema of the arguments, trimmed to what the model needs to read."""
    raw = model.model_json_schema()
    schema = {
        "type": "object",
        "properties": {name: _tidy(prop) for name, prop in raw["properties"].items()},
        "required": raw.get("required", []),
    }
    if "$defs" in raw:
        schema["$defs"] = {name: _tidy(d) for name, d in raw["$defs"].items()}
    return schema


def _tidy(schema: Any) -> Any:
    """Drop pydantic's generated titles (noise for the model) and order keys."""
    if isinstance(schema, list):
        return [_tidy(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key in _KEY_ORDER + tuple(sorted(schema)):
        if key in out or key not in schema or key == "title":
            continue
        value = schema[key]
        if key == "properties":  # keys here are parameter names, not schema words
            out[key] = {name: _tidy(prop) for name, prop in value.items()}
        elif key in ("default", "enum", "const"):  # literal values: keep as written
            out[key] = value
        else:
            out[key] = _tidy(value)
    return out


def signature_hint(name: str, schema: dict) -> str:
    """A one-line reminder of how to call the tool, e.g. `f(city: string, unit: ...)`."""
    parts = []
    for param, prop in schema["properties"].items():
        text = f"{param}: {_type_name(prop)}"
        if param not in schema["required"]:
            text += f" = {json.dumps(prop.get('default'), ensure_ascii=False)}"
        parts.append(text)
    return f"{name}({', '.join(parts)})"


def describe_errors(error: ValidationError, schema: dict) -> list[str]:
    """Turn pydantic's errors into short sentences a model can act on."""
    properties = schema["properties"]
    problems = []
    for err in error.errors():
        loc = ".".join(str(part) for part in err["loc"])
        top = str(err["loc"][0]) if err["loc"] else ""
        expected = _type_name(properties[top]) if top in properties else ""
        if err["type"] == "missing":
            problems.append(f"missing required parameter '{loc}' ({expected})")
        elif err["type"] == "extra_forbidden":
            names = ", ".join(properties) or "none"
            problems.append(f"unexpected parameter '{loc}' (parameters: {names})")
        elif loc == top and expected:
            problems.append(f"parameter '{loc}' expects {expected}, got {_short(err['input'])}")
        else:  # nested values: pydantic's own message is the most precise we have
            problems.append(f"parameter '{loc}': {err['msg']}, got {_short(err['input'])}")
    return problems


def _type_name(prop: dict) -> str:
    """Describe a property schema in a few words: string, number, "a" | "b", ..."""
    if "enum" in prop:
        return " | ".join(json.dumps(v, ensure_ascii=False) for v in prop["enum"])
    if "anyOf" in prop:
        return " | ".join(_type_name(option) for option in prop["anyOf"])
    if prop.get("type") == "array" and "items" in prop:
        return f"array of {_type_name(prop['items'])}"
    return str(prop.get("type", "value"))


def _short(value: Any, limit: int = 40) -> str:
    """The offending value as JSON, cut short so one bad argument cannot flood the context."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."
