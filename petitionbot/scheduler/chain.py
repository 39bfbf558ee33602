"""One scheduled job: its flows in order, under one lock, stopping at the first system error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loguru import logger

from core.errors import BusinessError, LockBusy, PetitionbotError, SystemError_, TransientError
from flows.runs import Run
from petitionbot import flows_registry


@dataclass
class ChainResult:
    job_id: str
    runs: list[Run] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # flows not wired yet, or not reached
    error: str = ""  # why the chain stopped early, in Chinese
    stopped: bool = False  # a stop was requested (SIGTERM / Ctrl-C)

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(r.status in ("failed", "crashed") for r in self.runs)


def run_chain(app: Any, job_id: str, flows: list[str], args: dict[str, dict[str, Any]],
              *, run_flow: Callable[..., Run] = flows_registry.run_flow) -> ChainResult:
    """Run ``flows`` in order with ``app`` (trigger ``schedule``); never raises."""
    result = ChainResult(job_id)
    try:
        with app.exclusive(job_id):
            for n, name in enumerate(flows):
                if app.stop_requested.is_set():
                    result.stopped = True
                    result.skipped += flows[n:]
                    break
                if name in flows_registry.PENDING and name not in flows_registry.names():
                    logger.warning("计划任务 {}：流程 {} 尚未接入，跳过", job_id, name)
                    result.skipped.append(name)
                    continue
                app.last_run = None
                try:
                    result.runs.append(run_flow(app, name, **args.get(name, {})))
                except (SystemError_, TransientError, BusinessError) as exc:
                    _keep_failed_run(app, result)
                    result.error = f"流程 {name} 失败：{exc}"
                    result.skipped += flows[n + 1:]
                    break
                except Exception as exc:  # noqa: BLE001 - a crash in one job must not kill the service
                    _keep_failed_run(app, result)
                    logger.exception("计划任务 {} 的流程 {} 异常终止", job_id, name)
                    result.error = f"流程 {name} 异常终止：{type(exc).__name__}: {exc}"
                    result.skipped += flows[n + 1:]
                    break
    except LockBusy as exc:
        result.error = f"未能开始：{exc}"
        result.skipped = list(flows)
    except PetitionbotError as exc:  # lock file trouble, store cannot be opened ...
        result.error = f"未能开始：{exc}"
        result.skipped = list(flows)
    if app.stop_requested.is_set():
        result.stopped = True
    if result.error:
        logger.error("计划任务 {} 中止：{}", job_id, result.error)
    return result


def _keep_failed_run(app: Any, result: ChainResult) -> None:
    # App.run remembers the Run it finished even when the flow raised: its summary and evidence
    # are what the operator needs.
    run = getattr(app, "last_run", None)
    if run is not None and run not in result.runs:
        result.runs.append(run)
