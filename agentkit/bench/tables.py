"""How the benches print numbers: milliseconds, rates, token counts, and medians.

Every bench table uses the same units, so two tables can be read side by side:
times in milliseconds, rates in tokens per second, "-" for a number that could
not be measured (a one-token answer has no decode rate).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table

from agentkit.trace.timing import percentile


def ms(seconds: float | None) -> str:
    """Seconds as whole milliseconds, or "-"."""
    return "-" if seconds is None else f"{seconds * 1000:.0f}"


def rate(per_second: float | None) -> str:
    """A rate in tokens per second, or "-"."""
    return "-" if per_second is None else f"{per_second:.0f}" if per_second >= 10 else f"{per_second:.1f}"


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values that were measured; None when none were."""
    return percentile([v for v in values if v is not None], 50)


def p95(values: Iterable[float | None]) -> float | None:
    """The 95th percentile of the values that were measured; None when none were."""
    return percentile([v for v in values if v is not None], 95)


def new_table(title: str, columns: Iterable[str], caption: str | None = None) -> Table:
    """A left-titled table with right-aligned columns after the first."""
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    return table
