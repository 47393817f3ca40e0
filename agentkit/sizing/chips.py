"""Memory bandwidth of Apple silicon chips: the number that bounds decode speed.

Generating one token reads every active weight once, so a chip cannot decode
faster than bandwidth / bytes read per token. The figures are Apple's own
("unified memory bandwidth" in each chip's announcement and the Macs' tech
specs); where one chip name ships in two bandwidths, both are listed.

Sources:
- M1 68.25 GB/s: LPDDR4X-4266 on a 128-bit bus; Apple's M2 announcement
  (Apple Newsroom, "Apple unveils M2", 2022-06-06) calls 100 GB/s "50 percent more than M1".
- M1 Pro 200, M1 Max 400: Apple Newsroom, "Introducing M1 Pro and M1 Max", 2021-10-18.
- M1 Ultra 800: Apple Newsroom, "Apple unveils M1 Ultra", 2022-03-08.
- M2 100: Apple Newsroom, "Apple unveils M2", 2022-06-06.
- M2 Pro 200, M2 Max 400: Apple Newsroom, "Apple unveils M2 Pro and M2 Max", 2023-01-17.
- M2 Ultra 800: Apple Newsroom, "Apple introduces M2 Ultra", 2023-06-05.
- M3 100, M3 Pro 150, M3 Max 300 (30-core GPU) / 400 (40-core GPU): Apple
  Newsroom, "Apple unveils M3, M3 Pro, and M3 Max", 2023-10-30, and MacBook Pro
  (Nov 2023) tech specs.
- M3 Ultra 819: Apple Newsroom, "Apple reveals M3 Ultra", 2025-03-05.
- M4 120, M4 Pro 273, M4 Max 410 (32-core GPU) / 546 (40-core GPU): Apple
  Newsroom, "Apple introduces M4 Pro and M4 Max", 2024-10-30, and MacBook Pro
  (Nov 2024) tech specs.
- M5 153: Apple Newsroom, "Apple unleashes M5", 2025-10-15.
- M5 Pro 307, M5 Max 614: Apple Newsroom, M5 Pro and M5 Max MacBook Pro, 2026-03-03.

Anything else (another chip, a GPU, a measured number): pass `--bandwidth`.
"""

from __future__ import annotations

from agentkit.errors import AgentkitError

APPLE_BANDWIDTH_GBPS: dict[str, float] = {
    "M1": 68.25, "M1 Pro": 200, "M1 Max": 400, "M1 Ultra": 800,
    "M2": 100, "M2 Pro": 200, "M2 Max": 400, "M2 Ultra": 800,
    "M3": 100, "M3 Pro": 150, "M3 Max 30-core GPU": 300, "M3 Max": 400, "M3 Ultra": 819,
    "M4": 120, "M4 Pro": 273, "M4 Max 32-core GPU": 410, "M4 Max": 546,
    "M5": 153, "M5 Pro": 307, "M5 Max": 614,
}
"""GB/s (10^9 bytes per second). A bare "Max" is the full chip (40-core GPU)."""


class UnknownChipError(AgentkitError):
    """A chip name that is not in the table."""


def _key(name: str) -> str:
    # "M4 Max", "m4-max" and "m4max" are the same chip.
    return "".join(ch for ch in name.lower() if ch.isalnum())


def chip_bandwidth(name: str) -> tuple[str, float]:
    """(the chip's name as listed, its bandwidth in GB/s); raises UnknownChipError with the list."""
    wanted = _key(name)
    for chip, bandwidth in APPLE_BANDWIDTH_GBPS.items():
        if _key(chip) == wanted:
            return chip, bandwidth
    raise UnknownChipError(
        f"No bandwidth listed for chip {name!r}.",
        fix=f"use one of: {', '.join(APPLE_BANDWIDTH_GBPS)}; or give the number with --bandwidth GBps",
    )
