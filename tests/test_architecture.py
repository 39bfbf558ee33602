"""The import graph, read from the source (an AST walk, lazy imports inside functions and
``TYPE_CHECKING`` blocks included), keeps the arrows of docs/architecture.md:

    petitionbot (shell) ──> flows ──> core <── bots
           └───────────────────────────────────┘

- core imports none of flows, bots, petitionbot;
- flows import neither bots nor the shell nor Playwright;
- bots import neither flows nor the shell;
- no cycle between the four packages;
- Playwright only under bots/ (and the upstream simulators, which may drive a browser);
- each file-format library only in its adapter module(s);
- inside the shell, commands never import the CLI that registers them, and neither the scheduler
  nor the wiring imports a command: both call the wiring, as the console does.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "flows", "bots", "petitionbot")
# package -> the packages of ours it must never import
FORBIDDEN = {
    "core": {"flows", "bots", "petitionbot"},
    "flows": {"bots", "petitionbot", "playwright"},
    "bots": {"flows", "petitionbot"},
}
PLAYWRIGHT_HOMES = ("bots", "petitionbot.sim")
# library -> the adapter modules allowed to import it (exactly these, and each does)
ADAPTERS = {
    "openpyxl": {"flows.ledger.xlsx"},
    "python_calamine": {"flows.ledger.xlsx"},
    "xlsxwriter": {"flows.workbook"},
    "docx": {"flows.wordfile", "flows.analysis.report_docx"},
    "docxtpl": {"flows.letters.docx_adapter"},
}


@dataclass(frozen=True)
class Edge:
    source: str  # importing module, dotted
    target: str  # imported module, dotted (absolute)
    where: str  # file:line, for the failure message


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(root: Path, path: Path) -> Iterable[Edge]:
    mod = module_name(root, path)
    package = mod.split(".") if path.name == "__init__.py" else mod.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Edge(mod, alias.name, where)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing module's package
                base = package[:len(package) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield Edge(mod, target, where)
            for alias in node.names:  # ``from flows import ledger`` imports flows.ledger too
                yield Edge(mod, f"{target}.{alias.name}", where)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr == "import_module" and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            yield Edge(mod, node.args[0].value, where)


def graph(root: Path, packages: Iterable[str] = PACKAGES) -> list[Edge]:
    edges: list[Edge] = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            edges.extend(imports_of(root, path))
    return edges


def top(name: str) -> str:
    return name.split(".")[0]


def forbidden_arrows(edges: Iterable[Edge]) -> list[str]:
    return [f"{e.where}: {e.source} imports {e.target}" for e in edges
            if top(e.target) in FORBIDDEN.get(top(e.source), ())]


def package_cycles(edges: Iterable[Edge]) -> list[list[str]]:
    arrows: dict[str, set[str]] = {p: set() for p in PACKAGES}
    for e in edges:
        a, b = top(e.source), top(e.target)
        if a in arrows and b in arrows and a != b:
            arrows[a].add(b)
    cycles, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(arrows[node]):
            if state.get(nxt) == "open":
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for p in PACKAGES:
        if p not in state:
            visit(p, [p])
    return cycles


def users_of(edges: Iterable[Edge], library: str) -> set[str]:
    return {e.source for e in edges if top(e.target) == library}


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return graph(ROOT)


def test_the_walk_sees_every_kind_of_import(edges):
    """Guards the guard: top-level, lazy (inside a function), relative and TYPE_CHECKING imports
    all appear, so a rule below cannot pass because the walk missed an import."""
    seen = {(e.source, e.target) for e in edges}
    assert ("petitionbot.wiring", "petitionbot.app") in seen  # top level
    assert ("petitionbot.registries", "bots.district.robot") in seen  # inside a function
    assert ("flows.letters.flow", "flows.letters.docx_adapter") in seen  # relative: from . import docx_adapter
    assert ("petitionbot.hooks", "petitionbot.app") in seen  # under TYPE_CHECKING


def test_no_forbidden_arrow(edges):
    assert forbidden_arrows(edges) == []


def test_no_cycle_between_the_packages(edges):
    assert package_cycles(edges) == []


def test_playwright_only_in_the_robots(edges):
    assert sorted(m for m in users_of(edges, "playwright") if not m.startswith(PLAYWRIGHT_HOMES)) == []
    assert users_of(edges, "playwright")  # the robots do use it: the rule is about something


def test_the_shell_goes_through_the_wiring(edges):
    def arrows(source: str, target: str) -> list[str]:
        return [f"{e.where}: {e.source} imports {e.target}" for e in edges
                if e.source.startswith(source) and (e.target == target or e.target.startswith(target + "."))]

    assert arrows("petitionbot.commands", "petitionbot.cli") == []
    assert arrows("petitionbot.scheduler", "petitionbot.commands") == []
    assert arrows("petitionbot.wiring", "petitionbot.commands") == []
    assert arrows("petitionbot.scheduler", "petitionbot.wiring")  # it does call the wiring


@pytest.mark.parametrize("library", sorted(ADAPTERS))
def test_each_file_format_library_lives_in_its_adapter(edges, library):
    assert users_of(edges, library) == ADAPTERS[library]


def test_the_checks_catch_a_wrong_arrow_a_cycle_and_a_stray_library(tmp_path):
    """The same functions on a small tree with every mistake in it."""
    for pkg in PACKAGES:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "core" / "model.py").write_text("def f():\n    from flows import intake\n", encoding="utf-8")
    (tmp_path / "flows" / "intake.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bots.district import robot\n"
        "from core import model\nimport openpyxl\n", encoding="utf-8")
    (tmp_path / "bots" / "robot.py").write_text("from ..petitionbot import wiring\n", encoding="utf-8")
    found = graph(tmp_path)
    wrong = forbidden_arrows(found)
    assert any("core.model imports flows" in w for w in wrong)
    assert any("flows.intake imports bots.district" in w for w in wrong)
    assert len(wrong) >= 3  # bots -> petitionbot too (a relative import beyond the package)
    assert ["core", "flows", "core"] in package_cycles(found)
    assert users_of(found, "openpyxl") == {"flows.intake"} != ADAPTERS["openpyxl"]
