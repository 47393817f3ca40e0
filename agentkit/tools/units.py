"""`convert_units`: length, mass, temperature and volume, with the names people use.

Each quantity has one base unit (metre, kilogram, litre) and a factor per unit,
so any pair converts in two multiplications. Temperature is the exception (its
scales have different zero points), so it goes through kelvin with formulas.
"""

import math

from agentkit.tools.tool import ToolError, tool

# Enough for any everyday conversion, few enough for a small model to copy.
SIGNIFICANT_DIGITS = 6

# unit -> (quantity, factor to the base unit of that quantity)
_LINEAR: dict[str, tuple[str, float]] = {
    "m": ("length", 1.0),
    "km": ("length", 1000.0),
    "cm": ("length", 0.01),
    "mm": ("length", 0.001),
    "mi": ("length", 1609.344),
    "ft": ("length", 0.3048),
    "in": ("length", 0.0254),
    "kg": ("mass", 1.0),
    "g": ("mass", 0.001),
    "lb": ("mass", 0.45359237),
    "oz": ("mass", 0.028349523125),
    "l": ("volume", 1.0),
    "ml": ("volume", 0.001),
    "gal": ("volume", 3.785411784),  # US liquid gallon
}
_TEMPERATURE = ("celsius", "fahrenheit", "kelvin")

_ALIASES = {
    "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "kilometer": "km", "kilometers": "km", "kilometre": "km", "kilometres": "km",
    "centimeter": "cm", "centimeters": "cm", "centimetre": "cm", "centimetres": "cm",
    "millimeter": "mm", "millimeters": "mm", "millimetre": "mm", "millimetres": "mm",
    "mile": "mi", "miles": "mi",
    "foot": "ft", "feet": "ft",
    "inch": "in", "inches": "in",
    "kilogram": "kg", "kilograms": "kg", "kilo": "kg", "kilos": "kg",
    "gram": "g", "grams": "g",
    "pound": "lb", "pounds": "lb", "lbs": "lb",
    "ounce": "oz", "ounces": "oz",
    "liter": "l", "liters": "l", "litre": "l", "litres": "l",
    "milliliter": "ml", "milliliters": "ml", "millilitre": "ml", "millilitres": "ml",
    "gallon": "gal", "gallons": "gal",
    "c": "celsius", "°c": "celsius", "degc": "celsius",
    "f": "fahrenheit", "°f": "fahrenheit", "degf": "fahrenheit",
    "k": "kelvin",
}


def canonical_unit(unit: str) -> str:
    """Map "Miles", "°C", "kilos" to the short names used everywhere else."""
    key = unit.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in _LINEAR and key not in _TEMPERATURE:
        raise ToolError(f"unknown unit '{unit}'. Known units: {_known_units()}.")
    return key


def quantity_of(unit: str) -> str:
    """length, mass, volume or temperature, for a canonical unit."""
    return "temperature" if unit in _TEMPERATURE else _LINEAR[unit][0]


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert between two canonical units of the same quantity."""
    quantity = quantity_of(from_unit)
    if quantity != quantity_of(to_unit):
        compatible = ", ".join(u for u in [*_LINEAR, *_TEMPERATURE] if quantity_of(u) == quantity)
        raise ToolError(
            f"cannot convert {from_unit} ({quantity}) to {to_unit} ({quantity_of(to_unit)}). "
            f"{from_unit} converts to: {compatible}."
        )
    if quantity == "temperature":
        return _from_kelvin(_to_kelvin(value, from_unit), to_unit)
    return value * _LINEAR[from_unit][1] / _LINEAR[to_unit][1]


def _to_kelvin(value: float, unit: str) -> float:
    kelvin = {"celsius": value + 273.15, "fahrenheit": (value - 32) * 5 / 9 + 273.15, "kelvin": value}[unit]
    if kelvin < -1e-9:  # tolerance: -459.67 F is exactly 0 K but not in floating point
        raise ToolError(f"{value:g} {unit} is below absolute zero.")
    return kelvin


def _from_kelvin(kelvin: float, unit: str) -> float:
    return {"celsius": kelvin - 273.15, "fahrenheit": (kelvin - 273.15) * 9 / 5 + 32, "kelvin": kelvin}[unit]


def round_result(value: float) -> int | float:
    """6 significant digits (never cutting the whole-number part); whole numbers as ints."""
    if value == 0:
        return 0
    decimals = max(0, SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(abs(value))))
    rounded = round(value, decimals)
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _known_units() -> str:
    return ", ".join([*_LINEAR, *_TEMPERATURE])


@tool
def convert_units(value: float, from_unit: str, to_unit: str) -> dict:
    """Convert a value between units of length, mass, temperature or volume.

    Args:
        value: The number to convert.
        from_unit: Unit of the value, e.g. "km", "lb", "celsius", "l".
        to_unit: Unit to convert to, of the same kind as from_unit.
    """
    source, target = canonical_unit(from_unit), canonical_unit(to_unit)
    # JSON allows Infinity and NaN, and 1e308 km in mm overflows to inf;
    # neither is a measurement, and rounding them would fail with a riddle.
    if not math.isfinite(value):
        raise ToolError(f"value {value} is not a finite number; send an ordinary number such as 12.5.")
    result = convert(value, source, target)
    if not math.isfinite(result):
        raise ToolError(f"{value:g} {source} in {target} is too large to represent; "
                        "send a smaller value or convert to a larger unit.")
    return {
        "value": round_result(value),
        "from_unit": source,
        "to_unit": target,
        "result": round_result(result),
    }
