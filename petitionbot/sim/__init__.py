"""The upstream simulator: a stdlib HTTP server that behaves like the district's petition
web system (区信访局交办系统), faults included, so the robot is tested against a real server.

    handle = start_simulator(dataset, port=0)
    handle.admin.set_knobs(latency_ms=30)
    ...
    handle.stop()
"""

from petitionbot.sim.admin_client import AdminClient
from petitionbot.sim.runner import SimHandle, start_simulator

__all__ = ["AdminClient", "SimHandle", "start_simulator"]
