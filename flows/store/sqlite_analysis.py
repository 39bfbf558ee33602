"""The analysis tables (migrations 0040, 0045): findings written whole by a run, the clerks'
answers to repeat links (kept for good), and the word features cache."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from flows.store.sqlite_common import stamp

COLUMNS = ("ref", "category_suggested", "category_confidence", "category_source", "category_why", "is_repeat",
           "repeat_of", "repeat_matched", "repeat_count", "repeat_why", "repeat_tier", "supervise", "supervise_why",
           "group_alert", "alert_ids", "run_id", "updated_at")
_NUMBERS = {"is_repeat", "supervise", "group_alert", "repeat_count", "category_confidence"}
_ALERT = ("id", "kind", "day", "refs", "localities", "explanation", "pairs", "first_seen")


def _finding(r: Any) -> dict[str, Any]:
    d = dict(zip(COLUMNS, tuple(r), strict=True))
    d["alert_ids"] = json.loads(d["alert_ids"] or "[]")
    return d


class AnalysisTables:
    def replace_analysis(self, rows: Sequence[Mapping[str, Any]], alerts: Sequence[Mapping[str, Any]],
                         run_id: str | None, *, at: datetime) -> None:
        now = stamp(at)
        with self._tx() as tx:
            first_seen = {r[0]: r[1] for r in tx.execute("SELECT id, first_seen FROM analysis_alert").fetchall()}
            tx.execute("DELETE FROM analysis_petition")
            tx.execute("DELETE FROM analysis_alert")
            marks = ", ".join("?" * len(COLUMNS))
            for r in rows:
                r = {**r, "run_id": run_id, "updated_at": now, "alert_ids": json.dumps(r.get("alert_ids", []))}
                tx.execute(f"INSERT INTO analysis_petition ({', '.join(COLUMNS)}) VALUES ({marks})",
                           tuple(r.get(c, 0 if c in _NUMBERS else "") for c in COLUMNS))
            for a in alerts:
                tx.execute("INSERT INTO analysis_alert (id, kind, day, refs, localities, explanation, pairs, first_seen,"
                           " run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           (a["id"], a["kind"], a["day"], json.dumps(a["refs"]),
                            json.dumps(a["localities"], ensure_ascii=False), a["explanation"], json.dumps(a["pairs"]),
                            first_seen.get(a["id"], now), run_id))

    def analysis_row(self, ref: str) -> dict[str, Any] | None:
        with self._tx() as tx:
            r = tx.execute(f"SELECT {', '.join(COLUMNS)} FROM analysis_petition WHERE ref = ?", (ref,)).fetchone()
        return None if r is None else _finding(r)

    def analysis_rows(self) -> dict[str, dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(f"SELECT {', '.join(COLUMNS)} FROM analysis_petition").fetchall()
        out = {}
        for r in rows:
            d = _finding(r)
            out[d["ref"]] = d
        return out

    def analysis_alerts(self) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(f"SELECT {', '.join(_ALERT)} FROM analysis_alert ORDER BY day DESC, id").fetchall()
        out = []
        for r in rows:
            d = dict(zip(_ALERT, tuple(r), strict=True))
            for k in ("refs", "localities", "pairs"):
                d[k] = json.loads(d[k])
            out.append(d)
        return out

    def repeat_decisions(self) -> dict[frozenset[str], str]:
        with self._tx() as tx:
            rows = tx.execute("SELECT ref, other, answer FROM analysis_repeat_decision").fetchall()
        return {frozenset((r[0], r[1])): r[2] for r in rows}

    def record_repeat_decisions(self, answers: Sequence[tuple[str, str, str]], *, at: datetime) -> None:
        if not answers:
            return
        now = stamp(at)
        with self._tx() as tx:
            tx.executemany("INSERT INTO analysis_repeat_decision (ref, other, answer, decided_at) VALUES (?, ?, ?, ?)"
                           " ON CONFLICT(ref, other) DO UPDATE SET answer = excluded.answer,"
                           " decided_at = excluded.decided_at WHERE answer <> excluded.answer",
                           [(a, b, c, now) for a, b, c in answers])

    def word_features(self) -> dict[str, tuple[str, str]]:
        with self._tx() as tx:
            return {r[0]: (r[1], r[2]) for r in tx.execute("SELECT ref, digest, data FROM analysis_features")}

    def save_word_features(self, rows: Sequence[tuple[str, str, str]]) -> None:
        if not rows:
            return
        with self._tx() as tx:
            tx.executemany("INSERT INTO analysis_features (ref, digest, data) VALUES (?, ?, ?) ON CONFLICT(ref)"
                           " DO UPDATE SET digest = excluded.digest, data = excluded.data", rows)

    # The answers live in the console's table (migration 0130): the console writes them, the next
    # analysis run reads them (a dismissed alert is not reported to supervisors again).
    def alert_answers(self) -> dict[str, dict[str, Any]]:
        with self._tx(fenced=False) as tx:
            rows = tx.execute("SELECT alert_id, answer, reason, username, at FROM console_alert_answer").fetchall()
        return {r[0]: {"answer": r[1], "reason": r[2], "username": r[3], "at": r[4]} for r in rows}

    def answer_alert(self, alert_id: str, answer: str, *, reason: str, username: str, at: datetime) -> None:
        with self._tx(fenced=False) as tx:
            tx.execute("INSERT INTO console_alert_answer (alert_id, answer, reason, username, at) VALUES (?, ?, ?, ?, ?)"
                       " ON CONFLICT(alert_id) DO UPDATE SET answer = excluded.answer, reason = excluded.reason,"
                       " username = excluded.username, at = excluded.at",
                       (alert_id, answer, reason, username, stamp(at)))
