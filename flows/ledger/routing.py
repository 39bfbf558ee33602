"""责任单位 for a petition from the config's rules (a clerk's entry wins; see sync)."""

from __future__ import annotations

from core.model import Petition
from flows.ledger.settings import RoutingSettings


def route(p: Petition, rules: RoutingSettings) -> str:
    if p.ref in rules.by_ref:
        return rules.by_ref[p.ref]
    by_locality = rules.by_locality.get(p.locality.strip(), "") if p.locality else ""
    by_category = _category_unit(p.category, rules.by_category)
    first, second = (by_locality, by_category) if rules.prefer == "locality" else (by_category, by_locality)
    return first or second or rules.default_unit


def _category_unit(category: str, table: dict[str, str]) -> str:
    # "城乡建设/道路" matches a rule for the full two-level name first, then for its first level.
    category = (category or "").strip()
    if not category:
        return ""
    if category in table:
        return table[category]
    for sep in ("/", "-", "－", "—", ">", "＞", "·"):
        if sep in category:
            return table.get(category.split(sep, 1)[0].strip(), "")
    return ""
