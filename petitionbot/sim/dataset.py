"""Loading a dataset without judging it.

The simulator is a stand-in for a real upstream system, which shows whatever its database
holds. So nothing here validates petitions: missing fields, bad dates, duplicate refs and
hostile strings all pass through, and the robot's and the intake flow's validation get tested.
Only the top-level shape (units, petitions lists) must be right.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

# Statuses that belong in the 待办理 list; 待签收 has its own list; anything closed is in neither.
SIGN_STATUS = "待签收"
SIGNED_STATUS = "已签收待办理"  # what 签收 sets (documented in docs/dataset.md)
CLOSED_STATUSES = frozenset({"已办结", "已存档"})


def load(dataset: dict[str, Any] | str | Path) -> dict[str, Any]:
    if isinstance(dataset, (str, Path)):
        dataset = json.loads(Path(dataset).read_text(encoding="utf-8"))
    if not isinstance(dataset, dict):
        raise ValueError("数据集必须是 JSON 对象")
    data = copy.deepcopy(dataset)
    units = data.get("units")
    petitions = data.get("petitions")
    if not isinstance(units, list) or not isinstance(petitions, list):
        raise ValueError("数据集需要 units 和 petitions 两个列表")
    data["petitions"] = [p for p in petitions if isinstance(p, dict)]
    return data


def users_of(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """username -> (password, unit code)."""
    users: dict[str, tuple[str, str]] = {}
    for unit in data.get("units", []):
        if not isinstance(unit, dict):
            continue
        for user in unit.get("users", []) or []:
            if isinstance(user, dict) and user.get("username"):
                users[str(user["username"])] = (str(user.get("password", "")), str(unit.get("code", "")))
    return users


def unit_names(data: dict[str, Any]) -> dict[str, str]:
    return {str(u.get("code", "")): str(u.get("name", "")) for u in data.get("units", []) if isinstance(u, dict)}


def text(value: Any) -> str:
    """How the system prints any stored value: None as empty, the rest as str."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def list_of(petition: dict[str, Any]) -> str | None:
    """Which to-do list shows a petition: 'sign', 'handle' or None."""
    status = text(petition.get("status"))
    if status == SIGN_STATUS:
        return "sign"
    if status in CLOSED_STATUSES:
        return None
    return "handle"
