"""The monthly report as plain data, so the Word and Excel adapters share one content."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    title: str
    office: str
    generated_on: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)  # heading, paragraphs
    charts: list[tuple[str, Path]] = field(default_factory=list)
    tables: list[tuple[str, list[str], list[list]]] = field(default_factory=list)  # heading, header, rows
