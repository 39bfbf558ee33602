"""Small hand-made petitions for the analysis rules."""

from __future__ import annotations

from datetime import date

from core.model import Petition, Petitioner
from flows.analysis.items import Item, TextContext
from flows.analysis.settings import BUILTIN_TAXONOMY

# One text context for the tests: the shipped word lists, the villages of the corpus.
CTX = TextContext.load(BUILTIN_TAXONOMY, {"永福村", "宝塔村", "永安村", "金星村", "仙宅村", "溪塔村"})

SHEN = Petitioner("沈国强", "330110196503124417", "13905710001", "余杭街道永福村5组12号")
QIAN = Petitioner("钱美琴", "330110197208153326", "13757140003", "余杭街道永福村6组3号")
ZHOU = Petitioner("周建华", "330110198001011234", "13812340004", "余杭街道宝塔村1组1号")

NOISE = ("厂房噪声扰民", "村口那家模具厂晚上开机器到半夜，噪声很大，影响休息，窗户关上也没用。", "要求停止夜间生产")


def petition(ref: str, day: date, people: list[Petitioner], text: tuple[str, str, str] = NOISE, *,
             locality: str = "永福村", headcount: int | None = None, **kw) -> Petition:
    title, content, demand = text
    return Petition(ref=ref, title=title, form="来访", received_on=day, assigned_on=day, petitioners=list(people),
                    headcount=headcount or max(1, len(people)), locality=locality, content=content, demand=demand,
                    **kw)


def item(p: Petition, category: str = "") -> Item:
    return Item.of(p, CTX, category=category)


def half_items(name: str, *refs: str) -> tuple[list[Item], dict[str, Petition]]:
    """Items of a tuning corpus's petitions ``refs`` with their writer's categories, and every
    petition of the corpus by ref."""
    from tests.data.analysis.corpus import half

    ps, truth = half(name)
    by = {p.ref: p for p in ps}
    return [item(by[r], truth[r]["category"]) for r in refs], by


def repeat_evidence(new: Item, old: Item) -> dict[str, float]:
    """The repeat model's inputs for ``new`` against the earlier ``old`` (which must share an
    identity key with it), by input name, with what ``new`` says of earlier petitions, as
    ``RepeatIndex.match`` weighs them."""
    from flows.analysis import matter, repeats
    from flows.analysis.text import says_again, says_other_matter

    index = repeats.RepeatIndex()
    index.add(old)
    x = repeats.evidence(new, index.candidates(new)[old.ref], matter.score(new, old),
                         says_other_matter(new.petition), says_again(new.petition))
    return dict(zip(repeats.FEATURES, x, strict=True))
