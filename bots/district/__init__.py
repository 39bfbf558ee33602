"""The robot for the district's petition web system (区信访局交办系统)."""

from bots.district.robot import DistrictRobot, RobotOptions, interactive_login

__all__ = ["DistrictRobot", "RobotOptions", "interactive_login"]
