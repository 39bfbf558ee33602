"""Deterministic generator of realistic 12345 work orders for the hotline simulator.

Callers are invented (the district generator's surnames and given names, often as 王先生 /
李女士 as operators write them); an order carries a name and a mobile number only, no ID
number. Matters reuse the district generator's category templates, plus the consultations
and requests for help that make up much of a hotline's traffic. Every order has exactly one
attachment: the call's transcript (录音转写.txt) for phone orders, a photo otherwise.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

from petitionbot.sim import gen_text as words
from petitionbot.sim.idcard import MOBILE_PREFIXES

MAIN_UNIT = {"code": "YH-JD", "name": "余杭街道", "username": "YH0231"}
OTHER_UNIT = {"code": "CQ-JD", "name": "仓前街道", "username": "CQ0107"}
DEFAULT_TODAY = date(2026, 11, 20)
CHANNELS = (("电话", 60), ("微信", 15), ("APP", 15), ("网站", 10))
REQUEST_TYPES = ("咨询", "求助", "投诉", "举报", "建议")
DISPATCHERS = ("余杭区12345热线分中心", "余杭区12345热线分中心", "杭州市12345政务服务热线")
# Handling periods the platform sets by request type (days). Illustrative: a real platform
# sets each order's 办理时限 itself, and the robot only reports it.
PERIOD_DAYS = {"咨询": 1, "求助": 3, "投诉": 5, "举报": 5, "建议": 10}
# 14x and 16x carriers too: a caller's number can be any mainland mobile.
PREFIXES = MOBILE_PREFIXES + ("145", "147", "166", "173", "176", "178", "198")

# (category, title, content, demand) a hotline hears that a petition desk rarely does.
HOTLINE_ONLY = {
    "咨询": [
        ("其他", "咨询居住证办理材料", "想了解在{loc}办理居住证需要准备哪些材料、在哪里办理。", "告知办理材料和地点"),
        ("卫生计生", "咨询新生儿医保参保", "孩子刚出生{n}天，想咨询新生儿医保参保流程和缴费标准。", "告知参保流程"),
        ("民政", "咨询高龄津贴申领", "家中老人今年满80周岁，想了解高龄津贴的申领条件和发放时间。", "告知申领条件"),
        ("城乡建设", "咨询垃圾分类投放时间", "{loc}小区垃圾分类定时定点投放，想了解具体投放时间。", "告知投放时间"),
    ],
    "求助": [
        ("城乡建设", "求助：小区停水无人处理", "{loc}小区从昨天起停水，物业电话一直打不通，家中有老人小孩。", "请求尽快恢复供水"),
        ("城乡建设", "求助：楼道灯损坏", "{loc}{n}幢楼道灯损坏一个多月，晚上老人上下楼不方便。", "请求维修楼道灯"),
        ("民政", "求助：独居老人无人照看", "邻居独居老人{n}天未出门，敲门无人应答，担心出事。", "请求社区上门查看"),
    ],
}


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


class _Gen:
    def __init__(self, seed: int, today: date, hostile_share: float):
        self.rng = random.Random(seed)
        self.today = today
        self.hostile_share = hostile_share
        self.per_day: Counter[date] = Counter()
        self.truth: dict[str, dict[str, Any]] = {}

    def caller(self) -> str:
        r = self.rng
        surname = r.choice(words.SURNAMES)
        roll = r.random()
        if roll < 0.04:
            return "匿名"
        if roll < 0.35:
            return surname + r.choice(("先生", "女士"))
        return surname + "".join(r.choice(words.GIVEN) for _ in range(r.choice((1, 2, 2))))

    def matter(self, loc: str) -> tuple[str, str, str, str, str]:
        """(request type, category, title, content, demand)."""
        r = self.rng
        slots = {"loc": loc, "place": r.choice(words.PLACES), "co": r.choice(words.COMPANIES),
                 "road": r.choice(words.ROADS), "amt": r.randint(3, 300) * 1000, "n": r.randint(2, 12),
                 "year": self.today.year - r.randint(0, 3)}
        if r.random() < 0.3:
            kind = r.choice(("咨询", "咨询", "求助"))
            category, *texts = r.choice(HOTLINE_ONLY[kind])
            title, content, demand = (t.format(**slots) for t in texts)
            return kind, category, title, content, demand
        category = r.choice(words.CATEGORIES)
        title, content, demand = (t.format(**slots) for t in r.choice(words.TEMPLATES[category]))
        if demand.startswith("建议"):
            kind = "建议"
        elif category == "纪检监察" or "查处" in demand:
            kind = "举报"
        elif title.startswith("咨询"):
            kind = "咨询"
        else:
            kind = "求助" if r.random() < 0.15 else "投诉"
        return kind, category, title, content, demand

    def order(self, dispatched: datetime, unit: dict[str, str]) -> dict[str, Any]:
        r = self.rng
        self.per_day[dispatched.date()] += 1
        ref = f"YH-12345-{dispatched:%Y%m%d}-{self.per_day[dispatched.date()]:04d}"
        loc = r.choice(words.LOCALITIES)
        kind, category, title, content, demand = self.matter(loc)
        channel = r.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
        lead = "市民来电反映：" if channel == "电话" else f"市民通过{channel}反映："
        received = dispatched - timedelta(minutes=r.randint(8, 240), seconds=r.randint(0, 59))
        due = dispatched + timedelta(days=PERIOD_DAYS[kind])
        o: dict[str, Any] = {
            "ref": ref, "title": title, "request_type": kind, "channel": channel,
            "caller": self.caller(), "phone": r.choice(PREFIXES) + f"{r.randint(0, 99_999_999):08d}",
            "content": f"{lead}{content}诉求：{demand}。", "locality": loc, "category": category,
            "received_at": _stamp(received), "dispatched_at": _stamp(dispatched), "due_at": _stamp(due),
            "dispatcher": r.choice(DISPATCHERS), "assigned_to": unit["code"],
            "confidential": "是" if (kind == "举报" and r.random() < 0.7) or r.random() < 0.05 else "否",
            "status": self.status(dispatched, due), "attachment": self.attachment(ref, channel, received, content, demand),
        }
        self.truth[ref] = {"category": category, "request_type": kind, "hostile": False}
        if r.random() < self.hostile_share:
            self.make_hostile(o)
        return o

    def status(self, dispatched: datetime, due: datetime) -> str:
        r = self.rng
        now = datetime.combine(self.today, time(9, 0))
        if r.random() < 0.03:
            return "退单"
        if (now - dispatched).days < 3:
            return "待接单" if r.random() < 0.7 else "处理中"
        if due < now:
            return r.choices(("已办结待回访", "已回访", "处理中"), (45, 30, 25))[0]
        return "处理中" if r.random() < 0.85 else "已办结待回访"

    def attachment(self, ref: str, channel: str, received: datetime, content: str, demand: str) -> dict[str, Any]:
        r = self.rng
        if channel == "电话":
            text = (f"【12345来电录音转写】\n工单编号：{ref}\n来电时间：{_stamp(received)}\n"
                    f"话务员：您好，12345，请讲。\n市民：{content}\n话务员：请问您的诉求是？\n市民：{demand}。\n"
                    "话务员：好的，我们会转交相关单位办理，请保持电话畅通。\n")
            return {"name": "录音转写.txt", "media_type": "text/plain; charset=utf-8", "text": text}
        name, media = r.choice((("现场照片.jpg", "image/jpeg"), ("问题截图.png", "image/png")))
        return {"name": name, "media_type": media, "size": r.randint(20_000, 90_000)}

    def make_hostile(self, o: dict[str, Any]) -> None:
        r = self.rng
        value = r.choice(words.HOSTILE_TEXT)
        where = r.choice(("title", "content", "caller", "attachment"))
        if where == "attachment":
            o["attachment"]["name"] = r.choice(words.HOSTILE_FILENAMES)
        elif where == "caller":
            o["caller"] = value[:40]
        else:
            o[where] = value if where == "title" else o[where] + value
        self.truth[o["ref"]]["hostile"] = True


def generate_orders(count: int, seed: int = 0, *, hostile_share: float = 0.05, today: date = DEFAULT_TODAY,
                    other_unit_count: int | None = None, days: int = 30) -> dict[str, Any]:
    """``count`` work orders (both units together), deterministic for a seed and arguments."""
    g = _Gen(seed, today, hostile_share)
    r = g.rng
    other = other_unit_count if other_unit_count is not None else (max(1, count // 30) if count >= 5 else 0)
    other = min(other, count)
    yesterday = datetime.combine(today - timedelta(days=1), time(0))  # nothing dispatched after "now"

    def moment() -> datetime:
        day = yesterday - timedelta(days=r.randint(0, days))
        return day.replace(hour=r.randint(8, 17), minute=r.randint(0, 59), second=r.randint(0, 59))

    plans = [(moment(), MAIN_UNIT) for _ in range(count - other)] + [(moment(), OTHER_UNIT) for _ in range(other)]
    plans.sort(key=lambda p: p[0])  # refs number each day's orders in dispatch order
    orders = [g.order(when, unit) for when, unit in plans]
    return {
        "units": [
            {"code": MAIN_UNIT["code"], "name": MAIN_UNIT["name"],
             "users": [{"username": MAIN_UNIT["username"], "password": f"Rx#{r.randint(100000, 999999)}"}]},
            {"code": OTHER_UNIT["code"], "name": OTHER_UNIT["name"],
             "users": [{"username": OTHER_UNIT["username"], "password": f"Cq#{r.randint(100000, 999999)}"}]},
        ],
        "orders": orders,
        "truth": g.truth,
    }
