"""The monthly report as plain data, so the Word and Excel adapters share one content.

Table cells keep their type (counts are ints, ratios floats): each adapter formats them, Word as
text ("+25%"), Excel as numbers with a number format, so nothing is a percentage stored as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

# text | int (a count) | change (a signed ratio: +0.25 -> "+25%") | share (a ratio: 0.8 -> "80%") | mean (one decimal)
Kind = Literal["text", "int", "change", "share", "mean"]


@dataclass
class Table:
    heading: str
    header: list[str]
    kinds: list[Kind]
    rows: list[list[Any]]  # None: no value (shown as "—")
    note: str = ""  # printed under the table
    fills: list[str] | None = None  # per row, RRGGBB of the last column's cell ("" for none)


@dataclass
class Chart:
    """A chart drawn from a table's columns: a PNG for Word, a native chart for Excel."""

    heading: str
    png: Path
    kind: Literal["line", "bar", "column"]
    table: str  # the heading of the Table it plots
    category_col: int
    value_col: int
    rows: int  # the first ``rows`` rows of the table
    value_title: str
    percent: bool = False  # values are shares (0.8 = 80 %); else counts, on an integer axis
    colours: list[str] | None = None  # per point, RRGGBB


@dataclass
class Report:
    title: str
    office: str
    generated_on: str
    created: datetime
    basis: str = ""  # what is counted, by which date, over which days: said on the first page of both files
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # heading, paragraphs
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, RRGGBB) of the 五色图 grades

    def table(self, heading: str) -> Table:
        return next(t for t in self.tables if t.heading == heading)


def tint(fill: str, lightness: float = 0.6) -> str:
    """A light RRGGBB tint of a grade's colour: black text stays readable on it, printed too."""
    r, g, b = (int(fill[i:i + 2], 16) for i in (0, 2, 4))
    return "".join(f"{round(c + (255 - c) * lightness):02X}" for c in (r, g, b))
