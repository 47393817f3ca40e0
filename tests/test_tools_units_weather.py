"""convert_units and get_weather: known values, round trips, determinism."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit.tools import convert_units, get_weather
from agentkit.tools.units import _LINEAR, _TEMPERATURE, convert, quantity_of
from agentkit.tools.weather import celsius_to_fahrenheit


def units(value, from_unit, to_unit):
    return convert_units.run({"value": value, "from_unit": from_unit, "to_unit": to_unit})


# --- convert_units ---------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "from_unit", "to_unit", "expected"),
    [
        (10, "km", "mi", 6.21371),
        (1, "mi", "km", 1.60934),
        (12, "in", "ft", 1),
        (2.5, "m", "cm", 250),
        (1, "mm", "in", 0.0393701),
        (1, "kg", "lb", 2.20462),
        (16, "oz", "lb", 1),
        (500, "g", "kg", 0.5),
        (1, "gal", "l", 3.78541),
        (250, "ml", "l", 0.25),
        (100, "celsius", "fahrenheit", 212),
        (37, "C", "F", 98.6),
        (-40, "F", "C", -40),
        (1234567, "m", "cm", 123456700),  # large values keep every whole digit
        (1234.5678, "m", "km", 1.23457),
        (0, "celsius", "kelvin", 273.15),
        (0, "K", "C", -273.15),
    ],
)
def test_known_conversions(value, from_unit, to_unit, expected):
    result = units(value, from_unit, to_unit)
    assert result.ok, result.content
    assert json.loads(result.content)["result"] == expected


def test_output_is_compact_json_with_canonical_units():
    assert units(10, "Kilometres", "miles").content == (
        '{"value": 10, "from_unit": "km", "to_unit": "mi", "result": 6.21371}'
    )
    assert json.loads(units("5", "°C", "Kelvin").content)["from_unit"] == "celsius"


@pytest.mark.parametrize("alias", ["lbs", "Pounds", " pound ", "LB"])
def test_aliases(alias):
    assert json.loads(units(1, alias, "kg").content)["result"] == 0.453592


def test_incompatible_units_name_the_compatible_ones():
    result = units(1, "km", "kg")
    assert result.error_kind == "tool_error"
    assert result.content == (
        "Error: cannot convert km (length) to kg (mass). km converts to: m, km, cm, mm, mi, ft, in."
    )
    assert "celsius, fahrenheit, kelvin" in units(1, "C", "l").content


def test_unknown_unit_lists_known_units():
    result = units(1, "parsec", "km")
    assert result.content.startswith("Error: unknown unit 'parsec'. Known units: m, km,")


def test_below_absolute_zero_is_an_error():
    assert "below absolute zero" in units(-300, "celsius", "kelvin").content
    assert units(-459.67, "F", "K").ok


def test_non_numeric_value_is_invalid_arguments():
    assert units("ten", "km", "mi").error_kind == "invalid_arguments"


_ALL_UNITS = [*_LINEAR, *_TEMPERATURE]
_PAIRS = [(a, b) for a in _ALL_UNITS for b in _ALL_UNITS if quantity_of(a) == quantity_of(b)]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_PAIRS), st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_round_trip(pair, value):
    source, target = pair
    there = convert(value, source, target)
    back = convert(there, target, source)
    assert back == pytest.approx(value, rel=1e-9, abs=1e-9)


# --- get_weather -----------------------------------------------------------

def weather(city, unit=None):
    args = {"city": city} if unit is None else {"city": city, "unit": unit}
    return get_weather.run(args)


def test_golden_values_are_stable():
    # The toy models are trained on these observations: they must never drift.
    assert weather("Lisbon").content == '{"city": "Lisbon", "temperature": 34, "unit": "celsius", "condition": "sunny"}'
    assert weather("Lisbon", "fahrenheit").content == (
        '{"city": "Lisbon", "temperature": 93, "unit": "fahrenheit", "condition": "sunny"}'
    )
    assert weather("São Paulo").content == (
        '{"city": "São Paulo", "temperature": 31, "unit": "celsius", "condition": "cloudy"}'
    )


def test_same_across_processes_and_hash_seeds():
    # Python's hash() is salted per process; the weather must not be.
    code = "from agentkit.tools import get_weather; print(get_weather.run({'city': 'Reykjavik'}).content)"
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        outputs.add(done.stdout.strip())
    assert outputs == {weather("Reykjavik").content}


def test_city_name_is_normalised_for_the_data_but_echoed_tidy():
    a = json.loads(weather("New York").content)
    b = json.loads(weather("  new   YORK ").content)
    assert (a["temperature"], a["condition"]) == (b["temperature"], b["condition"])
    assert b["city"] == "new YORK"


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40).filter(lambda s: s.strip()))
def test_any_city_gets_consistent_weather_in_both_units(city):
    celsius = json.loads(weather(city).content)
    fahrenheit = json.loads(weather(city, "fahrenheit").content)
    assert -10 <= celsius["temperature"] <= 35
    assert fahrenheit["temperature"] == celsius_to_fahrenheit(celsius["temperature"])
    assert fahrenheit["condition"] == celsius["condition"]
    assert weather(city).content == weather(city).content
    if celsius["temperature"] > 2:
        assert celsius["condition"] != "snowy"


def test_fahrenheit_is_rounded_consistently():
    assert [celsius_to_fahrenheit(c) for c in (-10, 0, 21, 35)] == [14, 32, 70, 95]


@pytest.mark.parametrize("city", ["", "   "])
def test_empty_city_is_an_error(city):
    result = weather(city)
    assert (result.ok, result.error_kind) == (False, "tool_error")
    assert result.content == "Error: city is empty; pass a city name such as 'Oslo'."


def test_bad_unit_is_invalid_arguments():
    result = weather("Oslo", "kelvin")
    assert result.error_kind == "invalid_arguments"
    assert "'unit' expects \"celsius\" | \"fahrenheit\"" in result.content


@pytest.mark.parametrize("value", [1e308, float("inf"), float("-inf"), float("nan")])
def test_overflow_inf_and_nan_get_a_clear_error(value):
    result = units(value, "km", "mm")
    assert not result.ok and result.error_kind == "tool_error"
    assert "OverflowError" not in result.content and "ValueError" not in result.content
    assert "too large" in result.content or "not a finite number" in result.content


@pytest.mark.parametrize("value", [True, False])
def test_a_boolean_is_not_a_number(value):
    result = units(value, "km", "m")
    assert not result.ok and result.error_kind == "invalid_arguments"
    assert "parameter 'value' expects number" in result.content
