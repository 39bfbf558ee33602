"""Text and identity normalisation shared by the classifier, repeat and cluster detection."""

from __future__ import annotations

import re
import unicodedata

from flows.model import Petition

# Words every petition uses: they make unrelated texts look alike, so similarity ignores them.
BOILERPLATE = ("此前已反映过此事", "至今未解决", "本人系", "我是", "我们是", "的住户", "村民", "居民", "反映人称",
               "来电人反映", "恳请领导重视", "希望政府尽快处理", "多次反映未果", "特此来信", "请有关部门给予答复",
               "如不解决将继续上访", "再次", "（重复）", "反映", "要求")
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS = re.compile(r"\d+")


def norm(text: str) -> str:
    """NFKC (full-width digits, letters), no invisible characters, no punctuation."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return _PUNCT.sub("", text).lower()


def matter_text(p: Petition) -> str:
    """What the petition is about, without the words all petitions share."""
    text = f"{p.title}。{p.content}。{p.demand}"
    for w in BOILERPLATE:
        text = text.replace(w, "")
    return norm(text)


def shingles(text: str, n: int = 2) -> frozenset[str]:
    # Numbers are kept whole-ish (amounts tell one debt from another) but not split into bigrams.
    return frozenset(text[i:i + n] for i in range(max(len(text) - n + 1, 1)))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def norm_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", phone or ""))
    return digits[-11:] if len(digits) >= 7 else ""


def norm_id(id_number: str) -> str:
    s = re.sub(r"\s", "", unicodedata.normalize("NFKC", id_number or "")).upper()
    return s if len(s) in (15, 18) else ""


_ADDR_NOISE = re.compile(r"(浙江省|杭州市|余杭区|街道|号楼|号|室|组|单元)")


def norm_address(address: str) -> str:
    return _ADDR_NOISE.sub("", norm(address))


def identity_keys(p: Petition) -> dict[str, str]:
    """key -> the petitioner it came from (for the explanation); any one shared key links two items."""
    keys: dict[str, str] = {}
    for person in p.petitioners:
        if i := norm_id(person.id_number):
            keys[f"id:{i}"] = person.name
        if ph := norm_phone(person.phone):
            keys[f"phone:{ph}"] = person.name
        name, addr = norm(person.name), norm_address(person.address)
        if 2 <= len(name) <= 6 and len(addr) >= 4:
            keys[f"name_addr:{name}|{addr}"] = person.name
    return keys


def describe_key(key: str) -> str:
    """A shared identity, masked, for an explanation a clerk or supervisor reads."""
    from flows.privacy import mask_id, mask_name, mask_phone

    kind, _, value = key.partition(":")
    if kind == "id":
        return f"身份证号 {mask_id(value)}"
    if kind == "phone":
        return f"电话 {mask_phone(value)}"
    name, _, _addr = value.partition("|")
    return f"姓名和住址（{mask_name(name)}，住址相同）"


def doc_text(p: Petition) -> str:
    """Text the classifier reads: title twice (it is the clerk's summary) plus content and demand."""
    return norm(f"{p.title} {p.title} {p.content} {p.demand}")
