"""A scripted upstream robot that carries planted personal data, and a CLI entry that uses it.

    python -m tests.schedule.planted <petitionbot arguments>

runs the real ``petitionbot`` command line with the "district" site registered to this robot, so the
privacy test can grep every file a real run leaves behind. ``PLANTED_MODE``: ``ok`` (default),
``crash`` (the robot raises mid-run), ``slow`` (50 items, 50 ms each, for the stop test).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass

from bots.district.robot import SITE
from core.errors import MalformedPetition
from core.ports import FetchFailure, Listing, Scraped
from petitionbot import registries
from petitionbot.registries import RobotEntry

NAME = "司马青松"
ID_NUMBER = "33010619850307421X"
PHONE = "13957112345"
PASSWORD = "Sunflower#2026-pw"


def detail(ref: str, **extra: str) -> Scraped:
    fields = {"title": f"{NAME}反映楼下噪音扰民", "form": "来信", "received_on": "2026-11-02",
              "assigned_on": "2026-11-03", "due_on": "", "status": "待办理", "headcount": "1", "purpose": "求决",
              "content": f"信访人{NAME}（身份证 {ID_NUMBER}，电话 {PHONE}）反映：夜间施工噪音。"}
    fields.update(extra)
    return Scraped(ref=ref, fields=fields,
                   petitioners=[{"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": "余杭街道1号"}])


class PlantedRobot:
    site = SITE

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        count = 50 if mode == "slow" else 3
        self.details = {f"XF2026{n:04d}": detail(f"XF2026{n:04d}") for n in range(1, count + 1)}
        if mode != "slow":
            # A phone number typed into a date field: its error message quotes the field.
            self.details["XF20260002"] = detail("XF20260002", received_on=PHONE)

    def __enter__(self) -> PlantedRobot:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    @property
    def stats(self) -> dict[str, int]:
        return {"retries": 0, "relogins": 0}

    def login(self) -> None:
        pass

    def list_assigned(self) -> list[Listing]:
        return [Listing(ref=r, title=d.fields["title"], status="待办理") for r, d in self.details.items()]

    def fetch(self, refs):
        for n, ref in enumerate(refs):
            if self.mode == "crash" and n == 1:
                raise RuntimeError(f"robot crashed: id {ID_NUMBER}, phone {PHONE}")
            if ref == "XF20260003" and self.mode != "slow":
                yield FetchFailure(ref, MalformedPetition(f"附件无法读取：{NAME}的身份证复印件（{ID_NUMBER}）"))
                continue
            if self.mode == "slow":
                time.sleep(0.05)  # test double: a slow upstream page
                print(f"fetched {n + 1}", flush=True)
            yield self.details[ref]

    def sign(self, ref: str) -> bool:
        return False


@dataclass(frozen=True)
class PlantedSite(RobotEntry):
    """The district site's registry line, pointed at the planted robot."""

    mode: str = "ok"

    def build(self, entry: object, **kw: object) -> PlantedRobot:
        return PlantedRobot(self.mode)


def plant(mode: str) -> None:
    """Make every App built from now on in this process use the planted robot for "district"."""
    registries.ROBOTS["district"] = PlantedSite("区信访系统", lambda: (PlantedRobot, object), mode)


def main() -> int:
    plant(os.environ.get("PLANTED_MODE", "ok"))
    from petitionbot.cli import main as cli_main

    return cli_main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
