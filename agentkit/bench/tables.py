"""How the benches print numbers: milliseconds, rates, token counts, and medians.

Every bench table uses the same units, so two tables can be read side by side:
times in milliseconds, rates in tokens per second, "-" for a number that could
not be measured (a one-token answer has no decode rate).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console, ConsoleOptions, RenderResult
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


class TurningTable(Table):
    """A bench table that turns on its side where it does not fit: one column per row, one row per column.

    Ten numbers per request fit a wide terminal; at 80 columns they would be cut
    to "deco…" and "pref…". Turned, four requests are four columns and every
    heading reads in full.
    """

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # Turn only where it helps: the table does not fit unwrapped, and it has fewer rows than columns.
        fits = self.__rich_measure__(console, options).maximum <= options.max_width
        if fits or self.row_count == 0 or self.row_count + 1 >= len(self.columns):
            yield from super().__rich_console__(console, options)
            return
        yield self.turned()

    def turned(self) -> Table:
        """The same cells, rows and columns swapped: the first column's cells become the headings."""
        first, *others = self.columns
        table = Table(title=self.title, title_justify="left", caption=self.caption, caption_justify="left")
        table.add_column(first.header, justify="left")
        for heading in first.cells:
            table.add_column(heading, justify="right")
        for column in others:
            table.add_row(column.header, *column.cells)
        return table


def new_table(title: str, columns: Iterable[str], caption: str | None = None) -> Table:
    """A left-titled table with right-aligned columns after the first, turned on its side when too wide."""
    table = TurningTable(title=title, title_justify="left", caption=caption, caption_justify="left")
    for i, column in enumerate(columns):
        table.add_column(column, justify="left" if i == 0 else "right")
    return table
