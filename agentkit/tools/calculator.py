"""`calculator`: arithmetic without `eval`.

`eval(expression)` would run whatever the model writes, `__import__('os')`
included. Instead we parse the text with `ast` and walk the tree ourselves,
accepting only numbers, + - * / // % **, unary signs and parentheses. Anything
else (names, calls, attributes, strings) is refused before it can run. Sizes are
bounded too, because `9**9**9` is valid arithmetic that would never finish.
"""

import ast
import math
import operator

from agentkit.tools.tool import ToolError, tool

MAX_EXPRESSION_CHARS = 300  # long enough for real sums, short enough to parse safely
MAX_MAGNITUDE = 1e100  # any larger result (or intermediate value) is refused
MAX_EXPONENT = 1000  # and no exponent above this, checked before computing
SIGNIFICANT_DIGITS = 12  # float results: enough to be exact-looking, hides 0.1+0.2 noise

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
_UNARY = {ast.USub: operator.neg, ast.UAdd: operator.pos}


def evaluate(expression: str) -> int | float:
    """Evaluate an arithmetic expression safely; raise ToolError with the reason otherwise."""
    text = expression.strip()
    if not text:
        raise ToolError("the expression is empty; write arithmetic such as '12 * (3 + 4)'.")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ToolError(f"the expression is longer than {MAX_EXPRESSION_CHARS} characters.")
    # People (and models) write "^" for power (it is XOR in Python) and "×", "÷".
    text = text.replace("^", "**").replace("×", "*").replace("÷", "/")
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError) as error:
        raise ToolError(f"cannot parse {expression!r}: {getattr(error, 'msg', error)}.") from None
    return _walk(tree.body)


def _walk(node: ast.AST) -> int | float:
    """Compute one node; every branch that is not plain arithmetic refuses."""
    if isinstance(node, ast.Constant):
        # bool is a subclass of int, but True + True is not arithmetic anyone meant.
        if type(node.value) not in (int, float):
            raise ToolError(f"only numbers are allowed, not {node.value!r}.")
        return _checked(node.value)
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        return _checked(_UNARY[type(node.op)](_walk(node.operand)))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _walk(node.left), _walk(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        try:
            return _checked(_BINARY[type(node.op)](left, right))
        except ZeroDivisionError:
            raise ToolError("division by zero.") from None
        except OverflowError:
            raise ToolError(f"the result is too large (limit {MAX_MAGNITUDE:g}).") from None
    raise ToolError(f"not allowed: {ast.unparse(node)}. Use numbers, + - * / // % ** and parentheses.")


def _check_power(base: int | float, exponent: int | float) -> None:
    """Refuse powers whose result would be huge, before Python spends time computing them."""
    if abs(exponent) > MAX_EXPONENT:
        raise ToolError(f"the exponent {exponent:g} is too large (limit {MAX_EXPONENT}).")
    if abs(base) > 1 and exponent > 0 and exponent * math.log10(abs(base)) > math.log10(MAX_MAGNITUDE):
        raise ToolError(f"the result is too large (limit {MAX_MAGNITUDE:g}).")


def _checked(value: int | float | complex) -> int | float:
    """Keep every intermediate value a finite real number within bounds."""
    if isinstance(value, complex):
        raise ToolError("the result is not a real number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is not a finite number.")
    if abs(value) > MAX_MAGNITUDE:
        raise ToolError(f"the result is too large (limit {MAX_MAGNITUDE:g}).")
    return value


def format_number(value: int | float) -> str:
    """Integers without ".0"; floats to 12 significant digits (0.1 + 0.2 -> "0.3")."""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.{SIGNIFICANT_DIGITS}g}"
    return str(value)


@tool
def calculator(expression: str) -> str:
    """Evaluate an arithmetic expression and return the result.

    Args:
        expression: Arithmetic using numbers, + - * / // % ** and parentheses, e.g. "(12 + 3) * 4".
    """
    return format_number(evaluate(expression))
