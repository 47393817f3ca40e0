"""`get_weather`: believable, deterministic weather for any city, with no network.

A real weather API would make every lesson, test and training transcript depend
on the internet and on today's weather. Instead the weather is derived from a
SHA-256 hash of the city name: the same city always gets the same weather, on
every machine and every run, and a city never seen before still gets an answer.
(Python's built-in ``hash()`` would not do: it is salted per process.)
"""

import hashlib
from typing import Literal

from agentkit.tools.tool import ToolError, tool

MIN_CELSIUS, MAX_CELSIUS = -10, 35
# Conditions by temperature, so the data stays plausible: no snow at 30 degrees.
_COLD_CONDITIONS = ("snowy", "cloudy", "sunny", "foggy")
_MILD_CONDITIONS = ("sunny", "cloudy", "rainy", "windy", "partly cloudy", "foggy")
_HOT_CONDITIONS = ("sunny", "partly cloudy", "cloudy", "stormy")
MAX_CITY_CHARS = 80


def normalise_city(city: str) -> str:
    """'  new   YORK ' and 'New York' are the same place: fold case and spaces."""
    return " ".join(city.split()).casefold()


def weather_in_celsius(city: str) -> tuple[int, str]:
    """The (temperature, condition) of a city, from the hash of its normalised name."""
    digest = hashlib.sha256(normalise_city(city).encode("utf-8")).digest()
    celsius = MIN_CELSIUS + digest[0] % (MAX_CELSIUS - MIN_CELSIUS + 1)
    conditions = _COLD_CONDITIONS if celsius <= 2 else _HOT_CONDITIONS if celsius >= 28 else _MILD_CONDITIONS
    return celsius, conditions[digest[1] % len(conditions)]


def celsius_to_fahrenheit(celsius: int) -> int:
    """Whole degrees, so both units of the same city agree when rounded back."""
    return round(celsius * 9 / 5 + 32)


@tool
def get_weather(city: str, unit: Literal["celsius", "fahrenheit"] = "celsius") -> dict:
    """Get the current weather for a city.

    Args:
        city: Name of the city, e.g. "Oslo".
        unit: Temperature unit.
    """
    name = " ".join(city.split())
    if not name:
        raise ToolError("city is empty; pass a city name such as 'Oslo'.")
    if len(name) > MAX_CITY_CHARS:
        raise ToolError(f"city is longer than {MAX_CITY_CHARS} characters; pass just the city name.")
    celsius, condition = weather_in_celsius(name)
    temperature = celsius if unit == "celsius" else celsius_to_fahrenheit(celsius)
    return {"city": name, "temperature": temperature, "unit": unit, "condition": condition}
