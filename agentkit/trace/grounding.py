"""Was a value shown to the model before it used it? Pure text checks for the run verdict.

A small model that mangles a name ("Tags" for Paris) or makes up a number
still produces a well-formed tool call, so nothing downstream notices. What
gives it away is where the value came from: everything a tool argument or an
answer states should be in the task or in an observation (a tool result) the
model had already seen. These functions answer that question for one value
against a list of source texts:

    grounded_value("Paris", ["What is the weather in Paris?"])   -> True
    grounded_value("-6 + 11", ['{"temperature": -6}', '{"temperature": 11}'])  -> True
    supported_number("5", [...]) -> True when 5 is in a source, or a sum or difference of two

Text is compared without case and with whitespace collapsed; numbers are
compared as numbers, so 16.09 matches 16.0934 and 69,104 matches 69104.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from agentkit.tools.tool import ToolError
from agentkit.tools.units import canonical_unit

NUMBER = re.compile(r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
"""A number as people and tools write it; the sign is left out (see `same_number`)."""
EXPRESSION = re.compile(r"[\d\s.,+\-*/%()^]+")
"""Arithmetic on numbers only, as the calculator takes it."""
EXPRESSION_CONSTANTS = ("2", "100", "273.15", "1.8", "32")
"""Numbers an expression may add to observed ones: halving for an average, percent, the temperature scales."""
FREE_TEXT_WORDS = 7
"""A string of this many words or more is prose (a file's content), not a name: only its numbers are checked."""
_WORD = re.compile(r"°?[^\W\d_]+")


def normalize(text: str) -> str:
    """Lower case, whitespace collapsed: 'Paris ' and 'paris' are the same value."""
    return " ".join(text.lower().split())


def source_texts(text: str) -> list[str]:
    """A source as the model saw it, plus the strings inside it when it is JSON.

    Tool results are JSON; a value like "São Paulo" may be written there as
    "S\\u00e3o Paulo", so the decoded strings are searched too.
    """
    texts = [text]
    try:
        decoded = json.loads(text)
    except (json.JSONDecodeError, ValueError):
        return texts
    texts.extend(str(leaf) for leaf in _leaves(decoded))
    return texts


def numbers_in(text: str) -> list[str]:
    """Every number written in `text`, without sign, thousands separators removed."""
    return [n.replace(",", "") for n in NUMBER.findall(text)]


def same_number(a: str, b: str) -> bool:
    """True when one number is the other rounded or cut to fewer decimals (16.09 vs 16.0934).

    Signs are ignored: "12 + -6" and "12 - 6" use the same two observed
    numbers, and an answer may write -6 as "6 below zero".
    """
    short, long = sorted((abs(Decimal(a)), abs(Decimal(b))), key=lambda n: -n.as_tuple().exponent)
    step = Decimal(1).scaleb(short.as_tuple().exponent)
    # Rounded (16.0934 -> 16.09) or cut (293.15 -> 293.1): both are the same observed number.
    return short in (long.quantize(step, ROUND_HALF_UP), long.quantize(step, ROUND_DOWN))


def observed_number(number: str, sources: list[str]) -> bool:
    """The number appears (possibly rounded) in some source."""
    return any(same_number(number, seen) for text in sources for seen in numbers_in(text))


def supported_number(number: str, sources: list[str]) -> bool:
    """Observed, or the sum or difference of two observed numbers.

    An answer may do one step of arithmetic the task asks for ("Tokyo is 37
    degrees warmer than Seoul") without a calculator; a product or anything
    longer is the calculator's job, and a number no such step explains was
    made up (the toy's "17 * 23 = 401" is neither 17 + 23 nor 23 - 17).
    """
    if observed_number(number, sources):
        return True
    seen = list(dict.fromkeys(Decimal(n) for text in sources for n in numbers_in(text)))
    return any(same_number(str(x + sign * y), number)
               for i, x in enumerate(seen) for y in seen[i + 1:] for sign in (1, -1))


def grounded_value(value: Any, sources: list[str]) -> bool:
    """True when a tool argument's value came from the sources (see the module docstring)."""
    if value is None or isinstance(value, bool):
        return True  # a flag or an omitted value carries no fact
    if isinstance(value, (int, float)):
        # f"{:f}" writes 1e-05 as 0.00001, so the digits compare as the model wrote them.
        return observed_number(str(value) if isinstance(value, int) else f"{value:f}".rstrip("0").rstrip("."),
                               sources)
    if isinstance(value, list):
        return all(grounded_value(item, sources) for item in value)
    if isinstance(value, dict):
        return all(grounded_value(item, sources) for item in value.values())
    text = normalize(str(value)).strip(" '\"")
    if not text:
        return True
    if EXPRESSION.fullmatch(text):
        # "-6 + 11", "12.5" or "1,234": every number in it must have been seen.
        numbers = numbers_in(text)
        observed = [n for n in numbers if observed_number(n, sources)]
        return bool(observed) and all(n in observed or n in EXPRESSION_CONSTANTS for n in numbers)
    if len(text.split()) >= FREE_TEXT_WORDS:
        return all(observed_number(n, sources) for n in numbers_in(text))
    if _appears(text, sources):
        return True
    return _same_unit_seen(text, sources)


def grounded_query(value: Any, sources: list[str]) -> bool:
    """A search query is the model's own wording: grounded when one of its words of 4+ letters is seen.

    "volcano" for a task about "volcanoes" is a fine query, so words match on
    their first five letters; "Tnurrent me the" has no such word and is not.
    """
    words = [w for w in re.findall(r"[^\W\d_]+", str(value).lower()) if len(w) >= 4]
    seen = {w[:5] for source in sources for w in re.findall(r"[^\W\d_]+", source.lower()) if len(w) >= 4}
    return any(w[:5] in seen for w in words) or grounded_value(value, sources)


def _appears(text: str, sources: list[str]) -> bool:
    # A whole-word match: "Par" is not grounded by "Paris", "paris" is.
    pattern = re.compile(rf"(?<!\w){re.escape(text)}(?!\w)")
    return any(pattern.search(normalize(source)) for source in sources)


def _same_unit_seen(text: str, sources: list[str]) -> bool:
    # "celsius" is grounded by a result that says "°C", "km" by a task that says "kilometers".
    unit = _unit(text)
    if unit is None:
        return False
    return any(_unit(word) == unit for source in sources for word in _WORD.findall(source.lower()))


def _unit(word: str) -> str | None:
    # "in" is also a word of almost every task, so it is not taken as inches from a source.
    if word == "in":
        return None
    try:
        return canonical_unit(word)
    except ToolError:
        return None


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [value]
