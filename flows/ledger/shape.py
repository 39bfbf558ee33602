"""Where a book's header row and its key column (信访件编号) are: found by their signature, not
by position, before anything is written.

Clerks insert a title row above the header, rename or delete a column, move columns around.
Every row is matched to the store by its 信访件编号, so a sync that lost that column would take
each row for a new walk-in and register the whole book a second time. Here:

- the header is the row (among the first ``MAX_SCAN``) with the most known column names; rows
  above it (a title) are not data: they are dropped from the rewritten book and quoted on 校验;
- the key column is found by its name; failing that by its contents (one column whose values
  are, nearly all, refs the store knows: a renamed 信访件编号), and given its name back;
- otherwise the sync stops with :class:`LedgerShapeChanged`, a Chinese message saying what
  changed and how to fix it, before the store or any file is touched.

Moved columns need nothing: every column is found by its name wherever it is.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

from core.errors import LedgerShapeChanged
from core.refs import ref_key
from flows.ledger.cells import canonical, is_blank
from flows.ledger.columns import BY_HEADER, BY_KEY, normalise_header
from flows.ledger.sync import LEVEL_CHECK, Issue, Table, header_index

MAX_SCAN = 20  # rows searched for the header
MIN_KNOWN = 3  # known column names a row needs to count as the header (our books have 40+)
KEY_SHARE = 0.9  # of a column's non-blank values that must be known refs for it to be the key column
KEY_HEADER = BY_KEY["ref"].header
_FIX = "本次同步已停止，台账和数据库都没有改动。"
_RESTORE = "可在 Excel 中撤销（Ctrl+Z），或从台账所在文件夹的“备份”中取回最近一份台账"


@dataclass
class Located:
    table: Table | None
    notes: list[Issue] = field(default_factory=list)  # for 校验
    warnings: list[str] = field(default_factory=list)  # for the run summary
    header_row: int = 1  # where the header was found in the book as read (Excel numbering)


def column_letter(i: int) -> str:
    s, i = "", i + 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def _known(row: list[Any]) -> int:
    return len({c.key for c in (BY_HEADER.get(normalise_header(v)) for v in row if not is_blank(v)) if c})


def _has_data(rows: list[list[Any]]) -> bool:
    return any(not is_blank(v) for r in rows for v in r)


def locate(table: Table | None, book: str, known_refs: Container[str]) -> Located:
    """``known_refs``: the store's refs as ``ref_key``. Raises LedgerShapeChanged."""
    if table is None:
        return Located(None)
    found = Located(table)
    if BY_HEADER.get(normalise_header(table.header[0] if table.header else "")) is None \
            or "ref" not in header_index(table):
        found.table = table = _find_header(table, book, found)
    if "ref" not in header_index(table) and _has_data(table.rows):
        _find_key_column(table, book, known_refs, found)
    return found


def _find_header(table: Table, book: str, found: Located) -> Table:
    grid = [table.header, *table.rows]
    scores = [_known(r) for r in grid[:MAX_SCAN]]
    best = max(scores, default=0)
    if best < MIN_KNOWN:
        if not _has_data(grid):
            return table  # an empty sheet: the sync writes a fresh header
        raise LedgerShapeChanged(
            f"台账「{book}」的「台账」表中找不到表头行（前 {MAX_SCAN} 行里没有一行带有“{KEY_HEADER}”“信访人”“办理状态”"
            f"等列名）。{_FIX}",
            hint=f"可能删除了表头行或改动了列名：{_RESTORE}，保存并关闭后重新运行")
    h = scores.index(best)
    found.header_row = h + 1
    if h == 0:
        return table
    above = [r for r in grid[:h] if not is_blank_row(r)]
    text = " / ".join("　".join(canonical(v) for v in r if not is_blank(v)) for r in above)
    found.notes.append(Issue(
        None, "", "表头", text[:500],
        f"已移除表头上方的 {h} 行（如标题行），表头按第 {h + 1} 行识别。表头须在第 1 行；原内容见本行“填写内容”，"
        "上一版台账在“备份”文件夹中；打印标题由系统印在页眉（配置项 [ledger] title）",
        LEVEL_CHECK))
    found.warnings.append(f"台账「{book}」表头上方的 {h} 行（如标题行）已移除，表头按第 {h + 1} 行识别；详见「校验」表")
    return Table(list(grid[h]), [list(r) for r in grid[h + 1:]])


def is_blank_row(row: list[Any]) -> bool:
    return all(is_blank(v) for v in row)


def _find_key_column(table: Table, book: str, known_refs: Container[str], found: Located) -> None:
    candidates = []
    for i, h in enumerate(table.header):
        if BY_HEADER.get(normalise_header(h)) is not None:
            continue  # a known column (首件编号 holds refs too) is never taken for the key
        keys = [ref_key(canonical(r[i])) for r in table.rows if not is_blank(r[i])]
        hits = sum(1 for k in keys if k in known_refs)
        if keys and hits >= KEY_SHARE * len(keys) and len(set(keys)) == len(keys):
            candidates.append(i)
    names = "、".join(f"{column_letter(i)} 列「{canonical(table.header[i]) or '（无列名）'}」" for i in candidates)
    if len(candidates) == 1:
        i = candidates[0]
        old = canonical(table.header[i]) or "（无列名）"
        table.header[i] = KEY_HEADER
        found.notes.append(Issue(
            None, "", KEY_HEADER, old,
            f"第 {column_letter(i)} 列列名「{old}」已改回“{KEY_HEADER}”（按内容认出这是编号列）。"
            "请勿修改这一列的列名：系统靠它把每一行对上已登记的信访件", LEVEL_CHECK))
        found.warnings.append(f"台账「{book}」第 {column_letter(i)} 列列名「{old}」已改回“{KEY_HEADER}”（按内容识别）")
        return
    if candidates:
        raise LedgerShapeChanged(
            f"台账「{book}」中找不到“{KEY_HEADER}”列，而有 {len(candidates)} 列的内容都像信访件编号（{names}），"
            f"系统无法判断哪一列是编号列。{_FIX}",
            hint=f"请把真正的编号列的列名改回“{KEY_HEADER}”，保存并关闭后重新运行")
    raise LedgerShapeChanged(
        f"台账「{book}」的表头（第 {found.header_row} 行）中没有“{KEY_HEADER}”列，系统无法把各行对上已登记的信访件，"
        f"继续同步会把每一行都当作新的来访登记。{_FIX}",
        hint=f"如果改了列名，请改回“{KEY_HEADER}”；如果删除了这一列，{_RESTORE}。保存并关闭后重新运行")
