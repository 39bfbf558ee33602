"""The analysis tables (migrations 0040, 0045): findings written whole by a run and read by export
and reports; the clerks' answers to repeat links, kept for good; the word features cache."""

from __future__ import annotations

import json
from typing import Any

from core.ports import Clock, Store

COLUMNS = ("ref", "category_suggested", "category_confidence", "category_source", "category_why", "is_repeat",
           "repeat_of", "repeat_matched", "repeat_count", "repeat_why", "repeat_tier", "supervise", "supervise_why", "group_alert",
           "alert_ids", "run_id", "updated_at")


def replace_all(store: Store, rows: list[dict[str, Any]], alerts: list[dict[str, Any]], run_id: str | None, *,
                clock: Clock) -> None:
    now = clock.now().isoformat(timespec="seconds")
    with store.transaction() as tx:
        first_seen = {r[0]: r[1] for r in tx.execute("SELECT id, first_seen FROM analysis_alert").fetchall()}
        tx.execute("DELETE FROM analysis_petition")
        tx.execute("DELETE FROM analysis_alert")
        marks = ", ".join("?" * len(COLUMNS))
        for r in rows:
            r = {**r, "run_id": run_id, "updated_at": now, "alert_ids": json.dumps(r.get("alert_ids", []))}
            tx.execute(f"INSERT INTO analysis_petition ({', '.join(COLUMNS)}) VALUES ({marks})",
                       tuple(r.get(c, "") if c not in ("is_repeat", "supervise", "group_alert", "repeat_count",
                                                       "category_confidence") else r.get(c, 0) for c in COLUMNS))
        for a in alerts:
            tx.execute("INSERT INTO analysis_alert (id, kind, day, refs, localities, explanation, pairs, first_seen, run_id)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (a["id"], a["kind"], a["day"], json.dumps(a["refs"]), json.dumps(a["localities"], ensure_ascii=False),
                        a["explanation"], json.dumps(a["pairs"]), first_seen.get(a["id"], now), run_id))


def row(store: Store, ref: str) -> dict[str, Any] | None:
    with store.transaction() as tx:
        r = tx.execute(f"SELECT {', '.join(COLUMNS)} FROM analysis_petition WHERE ref = ?", (ref,)).fetchone()
    if r is None:
        return None
    d = dict(zip(COLUMNS, tuple(r), strict=True))
    d["alert_ids"] = json.loads(d["alert_ids"] or "[]")
    return d


def all_rows(store: Store) -> dict[str, dict[str, Any]]:
    with store.transaction() as tx:
        rows = tx.execute(f"SELECT {', '.join(COLUMNS)} FROM analysis_petition").fetchall()
    out = {}
    for r in rows:
        d = dict(zip(COLUMNS, tuple(r), strict=True))
        d["alert_ids"] = json.loads(d["alert_ids"] or "[]")
        out[d["ref"]] = d
    return out


def alerts(store: Store) -> list[dict[str, Any]]:
    with store.transaction() as tx:
        rows = tx.execute("SELECT id, kind, day, refs, localities, explanation, pairs, first_seen FROM analysis_alert"
                          " ORDER BY day DESC, id").fetchall()
    keys = ("id", "kind", "day", "refs", "localities", "explanation", "pairs", "first_seen")
    out = []
    for r in rows:
        d = dict(zip(keys, tuple(r), strict=True))
        for k in ("refs", "localities", "pairs"):
            d[k] = json.loads(d[k])
        out.append(d)
    return out


def decisions(store: Store) -> dict[frozenset[str], str]:
    """{frozenset((ref, other)): confirm | reject}: every answer a clerk ever gave."""
    with store.transaction() as tx:
        rows = tx.execute("SELECT ref, other, answer FROM analysis_repeat_decision").fetchall()
    return {frozenset((r[0], r[1])): r[2] for r in rows}


def record_decisions(store: Store, answers: list[tuple[str, str, str]], *, clock: Clock) -> None:
    """Keep (ref, other, answer) triples; a later answer on the same pair replaces the earlier."""
    if not answers:
        return
    now = clock.now().isoformat(timespec="seconds")
    with store.transaction() as tx:
        tx.executemany("INSERT INTO analysis_repeat_decision (ref, other, answer, decided_at) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT(ref, other) DO UPDATE SET answer = excluded.answer, decided_at = excluded.decided_at"
                       " WHERE answer <> excluded.answer", [(a, b, c, now) for a, b, c in answers])


def features(store: Store) -> dict[str, tuple[str, str]]:
    """ref -> (digest, JSON) of the cached word features."""
    with store.transaction() as tx:
        return {r[0]: (r[1], r[2]) for r in tx.execute("SELECT ref, digest, data FROM analysis_features")}


def save_features(store: Store, rows: list[tuple[str, str, str]]) -> None:
    if not rows:
        return
    with store.transaction() as tx:
        tx.executemany("INSERT INTO analysis_features (ref, digest, data) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE"
                       " SET digest = excluded.digest, data = excluded.data", rows)
