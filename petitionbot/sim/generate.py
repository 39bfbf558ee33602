"""Deterministic generator of realistic petitions for the simulator, the demo and the bench.

``generate(count, seed)`` returns a dataset dict (see docs/dataset.md) whose ``truth`` key
labels every petition: its category, the first ref of its repeat chain, its cluster.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from petitionbot.sim import gen_text as words
from petitionbot.sim.idcard import id_number, mobile

MAIN_UNIT = {"code": "YH-JD", "name": "余杭街道", "username": "yhjd01"}
OTHER_UNIT = {"code": "CQ-JD", "name": "仓前街道", "username": "cqjd01"}
FORMS = (("来信", 30), ("来访", 25), ("网上信访", 35), ("电话", 10))
DEFAULT_TODAY = date(2026, 11, 20)


class _Gen:
    def __init__(self, seed: int, today: date, hostile_share: float, attachment_size: int | None,
                 repeat_share: float, group_share: float, malformed_share: float):
        self.rng = random.Random(seed)
        self.today = today
        self.hostile_share, self.attachment_size = hostile_share, attachment_size
        self.repeat_share, self.group_share, self.malformed_share = repeat_share, group_share, malformed_share
        self.originals: list[dict[str, Any]] = []  # (main unit) candidates a repeat can point at
        self.truth: dict[str, dict[str, Any]] = {}

    # -- people ----------------------------------------------------------------------------
    def person(self, loc: str) -> dict[str, str]:
        r = self.rng
        name = r.choice(words.SURNAMES) + "".join(r.choice(words.GIVEN) for _ in range(r.choice((1, 2, 2))))
        return {"name": name, "id_number": id_number(r, today=self.today), "phone": mobile(r),
                "address": f"余杭街道{loc}{r.randint(1, 30)}组{r.randint(1, 120)}号"}

    # -- text ------------------------------------------------------------------------------
    def slots(self, loc: str) -> dict[str, Any]:
        r = self.rng
        return {"loc": loc, "place": r.choice(words.PLACES), "co": r.choice(words.COMPANIES), "road": r.choice(words.ROADS),
                "amt": r.randint(3, 300) * 1000, "n": r.randint(2, 12), "year": self.today.year - r.randint(0, 3)}

    def purpose(self, category: str, demand: str) -> str:
        if category == "纪检监察" or demand.startswith("要求查处"):
            return "检举控告" if self.rng.random() < 0.8 else "求决"
        if demand.startswith("建议"):
            return "建议意见"
        if category == "其他":
            return self.rng.choice(("其他", "建议意见", "求决"))
        return "申诉" if self.rng.random() < 0.2 else "求决"

    # -- one petition ----------------------------------------------------------------------
    def petition(self, i: int, received: date, *, unit: dict[str, str], category: str | None = None,
                 template: int | None = None, loc: str | None = None, cluster: str | None = None) -> dict[str, Any]:
        r = self.rng
        ref = f"XF{received:%Y%m%d}{i:05d}"
        repeat_of = None
        base = None
        if cluster is None and unit is MAIN_UNIT and self.originals and r.random() < self.repeat_share:
            base = r.choice(self.originals)
            repeat_of = self.truth[base["ref"]]["repeat_of"] or base["ref"]
        if base is not None:
            category, template, loc = base["_category"], base["_template"], base["locality"]
            slots = base["_slots"]
            people = [dict(p) for p in base["petitioners"]]
            if len(people) > 1 and r.random() < 0.5:  # a co-signer comes back on their own
                people = [people[r.randrange(len(people))]]
            if people and r.random() < 0.3:
                people[0]["phone"] = mobile(r)  # changed phone, same person
            headcount = max(len(people), base["headcount"] if r.random() < 0.5 else len(people) or 1)
            anonymous = base["anonymous"]
        else:
            category = category or r.choice(words.CATEGORIES)
            template = template if template is not None else r.randrange(len(words.TEMPLATES[category]))
            loc = loc or r.choice(words.LOCALITIES)
            slots = self.slots(loc)
            anonymous = cluster is None and r.random() < 0.03
            if anonymous:
                people, headcount = [], 1
            elif r.random() < self.group_share:
                people = [self.person(loc) for _ in range(r.randint(2, 5))]
                headcount = r.randint(max(5, len(people)), 40)
            else:
                people = [self.person(loc) for _ in range(r.choice((1, 1, 1, 1, 2)))]
                headcount = len(people)
        title, content, demand = (s.format(**slots) for s in words.TEMPLATES[category][template])
        content = r.choice(words.OPENINGS).format(loc=loc) + content + r.choice(words.CLOSINGS)
        if repeat_of:
            content = f"此前已反映过此事，至今未解决。{content}"
            title = r.choice((title, f"再次{title}", f"{title}（重复）"))
        assigned = received + timedelta(days=r.randint(0, 5))
        handover = "交办" if r.random() < 0.7 else "转送"
        age = (self.today - assigned).days
        status = "待签收" if age <= 14 and r.random() < 0.85 else r.choice(("已签收待办理", "待办理", "待办理", "退回待办理"))
        p: dict[str, Any] = {
            "ref": ref, "title": title, "form": r.choices([f for f, _ in FORMS], [w for _, w in FORMS])[0],
            "received_on": received.isoformat(), "assigned_on": assigned.isoformat(), "assigned_to": unit["code"],
            "assigning_office": r.choice(words.OFFICES), "handover": handover,
            "handover_no": f"余信交〔{assigned.year}〕{r.randint(1, 999)}号" if handover == "交办" else "",
            "due_on": (assigned + timedelta(days=r.choice((30, 60)))).isoformat()
            if handover == "交办" and r.random() < 0.7 else None,
            "petitioners": people, "headcount": headcount, "locality": loc, "purpose": self.purpose(category, demand),
            "category": category if r.random() < 0.6 else "", "content": content, "demand": demand,
            "anonymous": anonymous, "status": status, "attachments": self.attachments(),
        }
        self.truth[ref] = {"category": category, "repeat_of": repeat_of, "cluster": cluster,
                           "group": headcount >= 5, "hostile": False, "malformed": ""}
        if r.random() < self.hostile_share:
            self.make_hostile(p)
        if unit is MAIN_UNIT and base is None:
            self.originals.append({**p, "_category": category, "_template": template, "_slots": slots,
                                   "petitioners": [dict(x) for x in people]})
        return p

    def attachments(self) -> list[dict[str, Any]]:
        r = self.rng
        if self.attachment_size is not None:
            name, media = r.choice(words.ATTACHMENT_NAMES)
            return [{"name": name, "media_type": media, "size": self.attachment_size}]
        picks = r.sample(words.ATTACHMENT_NAMES, r.choice((0, 1, 1, 2)))
        return [{"name": n, "media_type": m, "size": r.randint(1_000, 8_000)} for n, m in picks]

    def make_hostile(self, p: dict[str, Any]) -> None:
        r = self.rng
        value = r.choice(words.HOSTILE_TEXT)
        where = r.choice(("title", "content", "demand", "petitioner", "address", "attachment"))
        if where == "petitioner" and p["petitioners"]:
            p["petitioners"][0]["name"] = value[:40]
        elif where == "address" and p["petitioners"]:
            p["petitioners"][0]["address"] = value
        elif where == "attachment":
            p["attachments"].append({"name": r.choice(words.HOSTILE_FILENAMES), "media_type": "application/octet-stream",
                                     "size": 64})
        else:
            key = where if where in ("title", "content", "demand") else "content"
            p[key] = value if key == "title" else p[key] + value
        self.truth[p["ref"]]["hostile"] = True

    def make_malformed(self, p: dict[str, Any], previous: dict[str, Any] | None) -> None:
        r = self.rng
        defect = r.choice(("missing_title", "bad_date", "duplicate_ref", "bad_headcount", "missing_received"))
        if defect == "duplicate_ref" and previous is None:
            defect = "bad_date"
        truth = self.truth.pop(p["ref"])
        if defect == "missing_title":
            p.pop("title", None)
        elif defect == "bad_date":
            p["assigned_on"] = r.choice(("2026-13-45", "2026/11/31", "昨天", ""))
        elif defect == "duplicate_ref":
            self.originals = [o for o in self.originals if o["ref"] != p["ref"]]  # its ref is gone
            p["ref"] = previous["ref"]  # type: ignore[index]
        elif defect == "bad_headcount":
            p["headcount"] = "三人"
        else:
            p.pop("received_on", None)
        truth["malformed"] = defect
        self.truth.setdefault(p["ref"], truth)


def generate(count: int, seed: int = 0, *, hostile_share: float = 0.05, attachment_size: int | None = None,
             today: date = DEFAULT_TODAY, repeat_share: float = 0.12, group_share: float = 0.08,
             cluster_count: int | None = None, other_unit_count: int | None = None,
             malformed_share: float = 0.0, days: int = 90) -> dict[str, Any]:
    """``count`` petitions (both units together), deterministic for a given seed and arguments."""
    g = _Gen(seed, today, hostile_share, attachment_size, repeat_share, group_share, malformed_share)
    r = g.rng
    other = other_unit_count if other_unit_count is not None else (max(1, count // 30) if count >= 5 else 0)
    other = min(other, count)
    main = count - other
    n_clusters = cluster_count if cluster_count is not None else (main // 60 if main >= 60 else 0)
    # Plans first, sorted by date, so that a repeat always comes after its first petition.
    plans: list[tuple[date, dict[str, Any]]] = []
    for c in range(n_clusters):
        size = r.randint(3, 6)
        start = today - timedelta(days=r.randint(7, days))
        category = r.choice(words.CATEGORIES)
        common = {"cluster": f"C{c + 1}", "category": category, "loc": r.choice(words.LOCALITIES),
                  "template": r.randrange(len(words.TEMPLATES[category])), "unit": MAIN_UNIT}
        plans += [(start + timedelta(days=r.randint(0, 6)), dict(common)) for _ in range(min(size, main - len(plans)))]
    plans += [(today - timedelta(days=r.randint(0, days)), {"unit": MAIN_UNIT}) for _ in range(main - len(plans))]
    plans += [(today - timedelta(days=r.randint(0, days)), {"unit": OTHER_UNIT}) for _ in range(other)]
    plans.sort(key=lambda x: x[0])
    petitions: list[dict[str, Any]] = []
    for i, (received, plan) in enumerate(plans, start=1):
        p = g.petition(i, received, **plan)
        if r.random() < malformed_share:
            g.make_malformed(p, petitions[-1] if petitions else None)
        petitions.append(p)
    password = f"Yh#{r.randint(100000, 999999)}"
    return {
        "units": [
            {"code": MAIN_UNIT["code"], "name": MAIN_UNIT["name"],
             "users": [{"username": MAIN_UNIT["username"], "password": password}]},
            {"code": OTHER_UNIT["code"], "name": OTHER_UNIT["name"],
             "users": [{"username": OTHER_UNIT["username"], "password": f"Cq#{r.randint(100000, 999999)}"}]},
        ],
        "petitions": petitions,
        "truth": g.truth,
    }
