"""The fixed inputs the benches send, in one place.

A bench is only comparable with itself when its input never changes: same
text, same tools, same settings, on every machine and every model. Change one
of these and earlier numbers no longer compare.
"""

from __future__ import annotations

SPEED_PROMPT = (
    "Here are today's readings from three weather stations. Paris: 21 degrees, sunny, light wind. "
    "Tokyo: 18 degrees, rain, strong wind from the east. Berlin: 15 degrees, cloudy. "
    "Summarize them in a short report, one line per city, then say which city is warmest."
)
"""One user message (~60 words), no tools: the speed and concurrency benches send it."""

TRIVIAL_PROMPT = "Say OK."
"""Needs no thought at all: the write-ups' "80 seconds to say OK" case."""

HARD_PROMPT = "What is the temperature in Berlin plus the temperature in Madrid?"
"""Needs a plan: two weather look-ups, then a sum. Sent with the kit's example tools."""
