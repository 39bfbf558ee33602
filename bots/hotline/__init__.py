"""The robot for the 12345 政务服务便民热线 work-order platform (工单办理平台)."""

from bots.hotline.robot import HotlineRobot, RobotOptions

__all__ = ["HotlineRobot", "RobotOptions"]
