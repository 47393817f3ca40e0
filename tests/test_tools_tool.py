"""@tool, Tool.run and ToolBox: schemas from signatures, validation, timeouts, errors."""

import json
import sys
import threading
import time
from typing import Literal

import pytest
from pydantic import BaseModel

from agentkit.tools import Tool, ToolBox, ToolError, ToolResult, encode_result, tool
from agentkit.tools.docstrings import parse_docstring


@tool
def add(a: int, b: int = 2) -> int:
    """Add two integers.

    Args:
        a: The first number.
        b: The second number.
    """
    return a + b


@tool
def scale(value: float, mode: Literal["up", "down"] = "up", label: str | None = None) -> dict:
    """Scale a value.

    Longer explanation that spans
    two lines.

    Args:
        value (float): The value to scale,
            described on two lines.
        mode: Direction.
        label: Optional label.

    Returns:
        The scaled value.
    """
    return {"value": value * 2 if mode == "up" else value / 2, "type": type(value).__name__, "label": label}


# --- docstrings ------------------------------------------------------------

def test_parse_docstring_summary_args_and_sections():
    description, args = parse_docstring(scale.fn.__doc__)
    assert description == "Scale a value.\n\nLonger explanation that spans two lines."
    assert args == {
        "value": "The value to scale, described on two lines.",
        "mode": "Direction.",
        "label": "Optional label.",
    }


def test_parse_docstring_empty_and_without_args():
    assert parse_docstring(None) == ("", {})
    assert parse_docstring("Just a summary.\n\nReturns:\n    x: not an arg.") == ("Just a summary.", {})


# --- the decorator ---------------------------------------------------------

def test_decorator_builds_name_description_and_schema():
    assert isinstance(add, Tool)
    assert add.name == "add"
    assert add.description == "Add two integers."
    assert add.parameters == {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "description": "The first number."},
            "b": {"type": "integer", "description": "The second number.", "default": 2},
        },
        "required": ["a"],
    }
    assert add.schema == {
        "type": "function",
        "function": {"name": "add", "description": "Add two integers.", "parameters": add.parameters},
    }


def test_literal_becomes_enum_and_optional_is_not_required():
    props = scale.parameters["properties"]
    assert props["mode"] == {"type": "string", "enum": ["up", "down"], "description": "Direction.", "default": "up"}
    assert props["label"]["anyOf"] == [{"type": "string"}, {"type": "null"}]
    assert scale.parameters["required"] == ["value"]
    assert "title" not in json.dumps(scale.parameters)


def test_original_function_still_callable():
    assert add.fn(1, 2) == 3
    assert add(40, b=2) == 42


def test_decorator_with_name_and_description():
    @tool(name="plus", description="Add numbers.")
    def whatever(a: int) -> int:
        return a

    assert (whatever.name, whatever.description) == ("plus", "Add numbers.")


def test_decorator_refuses_untyped_parameter():
    with pytest.raises(TypeError, match="'x'.*no type hint"):
        @tool
        def f(x) -> int:
            """Doc."""


def test_decorator_refuses_var_args_and_missing_docstring_and_stray_arg_docs():
    with pytest.raises(TypeError, match=r"\*args"):
        @tool
        def f(*args: int) -> int:
            """Doc."""
    with pytest.raises(TypeError, match="no docstring"):
        @tool
        def g(x: int) -> int:
            return x
    with pytest.raises(TypeError, match=r"\['y'\]"):
        @tool
        def h(x: int) -> int:
            """Doc.

            Args:
                y: Not a parameter.
            """


# --- running: validation ---------------------------------------------------

def test_run_ok_uses_validated_values():
    result = scale.run({"value": "3"})
    assert result.ok and result.error_kind is None
    # "3" was validated into the float the type hint promised.
    assert json.loads(result.content) == {"value": 6.0, "type": "float", "label": None}
    assert result.name == "scale" and result.arguments == {"value": "3"}
    assert result.elapsed_s >= 0


def test_missing_argument_names_parameter_and_type():
    result = add.run({})
    assert not result.ok and result.error_kind == "invalid_arguments"
    assert result.content == (
        "Error: invalid arguments for add: missing required parameter 'a' (integer). "
        "Call it as add(a: integer, b: integer = 2)."
    )


def test_extra_argument_is_reported_with_the_real_parameters():
    result = add.run({"a": 1, "c": 3})
    assert result.error_kind == "invalid_arguments"
    assert "unexpected parameter 'c' (parameters: a, b)" in result.content


def test_wrong_type_names_expected_and_got():
    result = add.run({"a": "one"})
    assert result.error_kind == "invalid_arguments"
    assert "parameter 'a' expects integer, got \"one\"" in result.content
    enum = scale.run({"value": 1, "mode": "sideways"})
    assert 'parameter \'mode\' expects "up" | "down", got "sideways"' in enum.content


def test_several_problems_are_all_reported():
    result = add.run({"b": "x", "z": 1})
    assert result.content.count(";") == 2
    for part in ("'a'", "'b'", "'z'"):
        assert part in result.content


def test_arguments_must_be_an_object():
    result = add.run(["a", 1])  # type: ignore[arg-type]
    assert result.error_kind == "invalid_arguments" and "must be a JSON object" in result.content
    assert result.arguments == {}


def test_none_arguments_mean_no_arguments():
    @tool
    def ping() -> str:
        """Answer pong."""
        return "pong"

    assert ping.run(None).content == "pong"
    assert ping.parameters == {"type": "object", "properties": {}, "required": []}


def test_validation_happens_before_the_call():
    calls = []

    @tool
    def record(n: int) -> int:
        """Record n."""
        calls.append(n)
        return n

    record.run({"n": "not a number"})
    assert calls == []


# --- running: failures inside the tool -------------------------------------

def test_tool_error_message_goes_to_the_model_as_is():
    @tool
    def picky(x: int) -> int:
        """Refuse odd numbers."""
        raise ToolError("x must be even; try 4.")

    result = picky.run({"x": 3})
    assert (result.ok, result.error_kind, result.content) == (False, "tool_error", "Error: x must be even; try 4.")


def test_unexpected_exception_becomes_an_observation():
    @tool
    def broken(x: int) -> float:
        """Divide by zero."""
        return x / 0

    result = broken.run({"x": 1})
    assert result.error_kind == "tool_error"
    assert result.content == "Error: broken raised ZeroDivisionError: division by zero"


def test_a_timeout_error_raised_by_the_tool_is_a_tool_error():
    @tool
    def flaky() -> str:
        """Time out on its own."""
        raise TimeoutError("upstream did not answer")

    result = flaky.run({})
    assert (result.error_kind, result.content) == (
        "tool_error", "Error: flaky raised TimeoutError: upstream did not answer"
    )


def test_unencodable_return_value_is_a_tool_error():
    @tool
    def loop() -> list:
        """Return a list that contains itself."""
        value: list = []
        value.append(value)
        return value

    result = loop.run({})
    assert result.error_kind == "tool_error" and "not JSON" in result.content


def test_sys_exit_inside_a_tool_does_not_end_the_agent():
    @tool
    def quitter() -> None:
        """Exit."""
        sys.exit(3)

    assert quitter.run({}).error_kind == "tool_error"


def test_hung_tool_times_out_without_blocking():
    release = threading.Event()

    @tool
    def hang(seconds: float) -> str:
        """Sleep."""
        release.wait(seconds)
        return "woke"

    start = time.perf_counter()
    result = hang.run({"seconds": 5}, timeout=0.2)
    waited = time.perf_counter() - start
    release.set()  # let the background thread finish
    assert (result.ok, result.error_kind) == (False, "timeout")
    assert result.content == "Error: hang timed out after 0.2s."
    assert waited < 2
    assert hang.run({"seconds": 0}, timeout=1).content == "woke"


# --- what the model sees ---------------------------------------------------

class Point(BaseModel):
    x: int
    y: int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain text", "plain text"),
        ({"b": 1, "a": "São Paulo"}, '{"b": 1, "a": "São Paulo"}'),  # returned order, no \u escapes
        ([1, 2.5, None], "[1, 2.5, null]"),
        (42, "42"),
        (None, "null"),
        (Point(x=1, y=2), '{"x": 1, "y": 2}'),
    ],
)
def test_encode_result(value, expected):
    assert encode_result(value) == expected


def test_tool_result_is_json_round_trippable():
    result = add.run({"a": 1})
    assert ToolResult.model_validate_json(result.model_dump_json()) == result


# --- ToolBox ---------------------------------------------------------------

def test_toolbox_schemas_keep_order_and_run_by_name():
    box = ToolBox([scale, add])
    assert box.names == ["scale", "add"]
    assert [s["function"]["name"] for s in box.schemas()] == ["scale", "add"]
    assert box.run("add", {"a": 1, "b": 5}).content == "6"
    assert "add" in box and box["add"] is add and len(box) == 2 and list(box) == [scale, add]


def test_toolbox_unknown_tool_lists_available_names():
    result = ToolBox([add, scale]).run("multiply", {"a": 1})
    assert (result.ok, result.error_kind) == (False, "unknown_tool")
    assert result.content == "Error: unknown tool 'multiply'. Available tools: add, scale."
    assert result.arguments == {"a": 1}


def test_toolbox_refuses_duplicates_and_plain_functions():
    with pytest.raises(ValueError, match="already"):
        ToolBox([add, add])
    with pytest.raises(TypeError, match="@tool"):
        ToolBox([add.fn])  # type: ignore[list-item]


def test_toolbox_passes_the_timeout():
    @tool
    def slow() -> str:
        """Sleep a little."""
        time.sleep(0.5)
        return "done"

    assert ToolBox([slow]).run("slow", {}, timeout=0.05).error_kind == "timeout"
