"""Every upstream site petitionbot can drive: its name (the config's ``[[upstream]] site``) and its
robot class. A new site is one line here (and one parametrisation of the robot contract suite,
tests/bots/test_robot_contract.py); see docs/adding-an-upstream.md."""

from __future__ import annotations

from bots.district.robot import DistrictRobot
from bots.hotline.robot import HotlineRobot
from core.ports import Site

ROBOTS: dict[str, type] = {
    DistrictRobot.site.name: DistrictRobot,
    HotlineRobot.site.name: HotlineRobot,
}


def site(name: str) -> Site:
    """The vocabulary of the site called ``name`` (KeyError for an unknown site)."""
    return ROBOTS[name].site
