"""calculator: agrees with Python on arithmetic, refuses everything else."""

import builtins
import math
import operator

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from agentkit.tools import calculator
from agentkit.tools.calculator import MAX_MAGNITUDE, format_number


def calc(expression: str):
    return calculator.run({"expression": expression})


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("(12 + 3) * 4", "60"),
        ("7 / 2", "3.5"),
        ("6 / 3", "2"),  # a whole float prints without ".0"
        ("1 / 3", "0.333333333333"),
        ("0.1 + 0.2", "0.3"),
        ("7 // 2", "3"),
        ("-7 % 3", "2"),
        ("2 ** 10", "1024"),
        ("2 ^ 10", "1024"),  # "^" is read as power, as people mean it
        ("-(-3)", "3"),
        ("+4", "4"),
        ("2 ** -1", "0.5"),
        ("10 ** 100", "1" + "0" * 100),
        ("1e20", "1e+20"),
        ("  42  ", "42"),
        ("(" * 140 + "1" + ")" * 140, "1"),  # deep but within the length limit
    ],
)
def test_arithmetic(expression, expected):
    result = calc(expression)
    assert result.ok, result.content
    assert result.content == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("1 / 0", "Error: division by zero."),
        ("5 % 0", "Error: division by zero."),
        ("0 ** -1", "Error: division by zero."),
        ("", "Error: the expression is empty; write arithmetic such as '12 * (3 + 4)'."),
        ("(-8) ** 0.5", "Error: the result is not a real number."),
    ],
)
def test_error_messages(expression, message):
    result = calc(expression)
    assert (result.ok, result.error_kind, result.content) == (False, "tool_error", message)


HOSTILE = [
    "__import__('os')",
    "__import__('os').system('echo pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "(1).real",
    "x",
    "x + 1",
    "abs(-3)",
    "'a' * 3",
    "[1, 2]",
    "{1: 2}",
    "lambda: 1",
    "True + 1",
    "None",
    "1 if 1 else 2",
    "1 < 2",
    "1 and 2",
    "1; 2",
    "import os",
    "(y := 3)",
    "f'{1}'",
    "1j",
    "...",
    "9 ** 9 ** 9",
    "2 ** 100000",
    "10 ** 101",
    "1e308 * 10",
    "(10 ** 60) * (10 ** 60)",
    "1" * 400,
    "(" * 1000 + "1" + ")" * 1000,  # over the length limit: never reaches the parser
    "1 +",
]


@pytest.mark.parametrize("expression", HOSTILE)
def test_hostile_inputs_are_refused_quickly(expression):
    result = calc(expression)
    assert (result.ok, result.error_kind) == (False, "tool_error"), result.content
    assert result.elapsed_s < 1


def test_never_calls_eval_or_exec(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("calculator must not call eval/exec")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    assert calc("2 * (3 + 4)").content == "14"


def test_refusal_names_the_offending_part():
    assert calc("abs(-3)").content == (
        "Error: not allowed: abs(-3). Use numbers, + - * / // % ** and parentheses."
    )


# --- property: random arithmetic agrees with Python ------------------------

_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
        "//": operator.floordiv, "%": operator.mod, "**": operator.pow}

numbers = st.one_of(
    st.integers(min_value=-1000, max_value=1000),
    st.floats(min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False),
)


# Each generated node is (text, value, peak): the expression, its value computed
# the way Python would (None after a division by zero), and the largest
# magnitude seen on the way, since the calculator bounds every intermediate.
def _leaf(number):
    return (repr(number), number, abs(number))


def _apply(text, op, left, right):
    (_, lv, lpeak), (_, rv, rpeak) = left, right
    peak = max(lpeak, rpeak)
    if lv is None or rv is None:
        return (text, None, peak)
    try:
        value = _OPS[op](lv, rv)
    except ZeroDivisionError:
        return (text, None, peak)
    except OverflowError:
        return (text, None, math.inf)
    return (text, value, max(peak, abs(value)))


def _combine(children):
    def binary(args):
        left, op, right = args
        return _apply(f"({left[0]} {op} {right[0]})", op, left, right)

    def power(args):
        base, exponent = args  # small integer exponents keep results real and finite
        return _apply(f"({base[0]}) ** {exponent}", "**", base, _leaf(exponent))

    def negate(child):
        text, value, peak = child
        return (f"-({text})", None if value is None else -value, peak)

    return st.one_of(
        st.tuples(children, st.sampled_from(sorted(set(_OPS) - {"**"})), children).map(binary),
        st.tuples(children, st.integers(min_value=0, max_value=3)).map(power),
        children.map(negate),
    )


expressions = st.recursive(numbers.map(_leaf), _combine, max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(expressions)
def test_random_arithmetic_agrees_with_python(node):
    text, value, peak = node
    # Values beyond the calculator's bound are refused by design (see HOSTILE).
    assume(peak <= MAX_MAGNITUDE / 1e6)
    result = calc(text)
    if value is None:
        assert result.content == "Error: division by zero.", text
        return
    # Python's own evaluator as the reference (fine in a test, never in the tool).
    expected = eval(text, {"__builtins__": {}})  # noqa: S307
    assert expected == value or (math.isnan(expected) and math.isnan(value))
    assert result.ok, (text, result.content)
    assert result.content == format_number(expected)


@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_integers_print_exactly(n):
    assert calc(str(n)).content == str(n)
