"""Numbers as petitioners write them: 18600, 18,600, 一万八千六百, 1.86万, 一万八, 十二组.

Two uses: money amounts become one canonical token (a repeat says 18600 where the first letter
said 一万八千六百), and the numbers inside an address become digits (十二组 is 12组).
"""

from __future__ import annotations

import re

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUM = "零〇一二两三四五六七八九十百千万亿"


def cn_to_int(text: str) -> int | None:
    """一万八千六百 -> 18600, 十二 -> 12, 一万八 -> 18000 (spoken shorthand), 三千五 -> 3500."""
    if not text or any(ch not in CN_NUM for ch in text):
        return None
    total = section = 0
    digit: int | None = None
    last_unit, zero = 1, False
    for ch in text:
        if ch in "零〇" and (section or total):  # 一百零五: the 零 only says a unit is skipped
            zero = True
        elif ch in _DIGIT:
            if digit is not None:  # 一九八 read digit by digit
                digit = digit * 10 + _DIGIT[ch]
            else:
                digit = _DIGIT[ch]
        elif ch in _UNIT:
            u = _UNIT[ch]
            section += (1 if digit is None else digit) * u
            digit, last_unit = None, u
        else:
            u = _BIG[ch]
            section += digit or 0
            total += (section or 1) * u
            section, digit, last_unit = 0, None, u
    if digit is not None:
        # 一万八 = 18000, 三千五 = 3500: a trailing digit counts in the unit below the last one.
        below = last_unit // 10 if last_unit >= 100 else (1000 if last_unit == 10_000 else 1)
        section += digit * (below if last_unit > 10 and not zero else 1)
    return total + section


_MIXED = re.compile(r"(?<![\d.])(?:\d[万千百十]){2,}\d?\s*(?:多|余)?\s*(元|块钱|块)?")
_AMOUNT_PATTERNS = (
    # 18600元, 1.86万元, 18,600块, 3万多元, 2.5万
    re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(万|千)?\s*(?:多|余)?\s*(元|块钱|块|万)"),
    # 一万八千六百元, 两万块, 一万八千六百 (no unit, but big enough to be money)
    re.compile(r"([零〇一二两三四五六七八九十百千万]{2,})\s*(?:多|余)?\s*(元|块钱|块)?"),
    # a bare big number: 欠了18600, 17800没给
    re.compile(r"(?<![\d.\-])(\d{4,7})(?![\d年月日号米平亩户人组幢栋室层楼天个岁元块万千/\-.])"),
)
# Government service lines (12345 政务热线, 12315 消费投诉, 12333 人社…) and what is said around a
# number people dial: never an amount.
_SERVICE_NUMBER = re.compile(r"123\d\d")
_DIALLED_BEFORE = re.compile(r"(?:打|拨|拨打|致电|呼叫)$")
_DIALLED_AFTER = re.compile(r"(?:工单|热线|平台|专线|客服|电话|投诉|服务)")
# A flat's number after its building (凤鸣苑3幢1201, 2单元1502): an address, not money. Round
# thirteen: corpus 22's 1201 made one person's leak and lift letters "share an amount".
_ROOM_BEFORE = re.compile(r"(?:幢|栋|单元|号楼|楼)\s*$")
_NOT_MONEY_AFTER = re.compile(r"^[多余]?(?:年|个月|月|日|号|米|平方|平|亩|户|人|名|组|幢|栋|室|层|楼|天|岁|斤|吨|公里|次|家|间|辆|株|头|只|条)")


def amounts(text: str) -> list[tuple[int, int, int]]:
    """(start, end, yuan) of each money amount in ``text`` (already NFKC-normalised)."""
    out: list[tuple[int, int, int]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in _MIXED.finditer(text):  # 4万1千4百: digits between the units
        value = cn_to_int("".join("零一二三四五六七八九"[int(ch)] if ch.isdigit() else ch
                                  for ch in m.group(0) if ch.isdigit() or ch in "万千百十"))
        if value:
            out.append((m.start(), m.end(), value))
            taken.append((m.start(), m.end()))
    for m in _AMOUNT_PATTERNS[0].finditer(text):
        if not free(m.start(), m.end()):
            continue
        num = float(m.group(1).replace(",", ""))
        mult = {"万": 10_000, "千": 1000}.get(m.group(2) or "", 1)
        if m.group(3) == "万":
            mult *= 10_000
        value = int(round(num * mult))
        if value > 0:
            out.append((m.start(), m.end(), value))
            taken.append((m.start(), m.end()))
    for m in _AMOUNT_PATTERNS[1].finditer(text):
        if not free(m.start(), m.end()):
            continue
        value = cn_to_int(m.group(1))
        if value is None:
            continue
        has_unit = bool(m.group(2))
        big = ("万" in m.group(1) or "千" in m.group(1)) and value >= 1000
        if not (has_unit or (big and not _NOT_MONEY_AFTER.match(text[m.end():]))):
            continue
        out.append((m.start(), m.end(), value))
        taken.append((m.start(), m.end()))
    for m in _AMOUNT_PATTERNS[2].finditer(text):
        value = int(m.group(1))
        if not free(m.start(), m.end()) or 1900 <= value <= 2100:  # a bare year
            continue
        if _SERVICE_NUMBER.fullmatch(m.group(1)) or _DIALLED_BEFORE.search(text, 0, m.start()) or \
                _DIALLED_AFTER.match(text, m.end()):
            continue  # 12345工单, 打12315, 96345热线: a number people call, not money
        if _ROOM_BEFORE.search(text, max(0, m.start() - 3), m.start()):
            continue
        out.append((m.start(), m.end(), value))
        taken.append((m.start(), m.end()))
    return sorted(out)


def amount_token(value: int) -> str:
    return f"¥{value}"


def with_amount_tokens(text: str, mark: str | None = None) -> tuple[str, list[int]]:
    """``text`` with each amount replaced by one token (¥18600), or by ``mark`` when given, and
    the amounts found."""
    found = amounts(text)
    if not found:
        return text, []
    parts, pos = [], 0
    for a, b, v in found:
        parts += [text[pos:a], mark if mark is not None else f" {amount_token(v)} "]
        pos = b
    parts.append(text[pos:])
    return "".join(parts), [v for _, _, v in found]


def same_amount(a: int, b: int) -> bool:
    """One debt written twice: 18600 and 1.86万 exactly, 一万八 and 18600 within 5 %."""
    return a == b or abs(a - b) <= 0.05 * max(a, b)


_CN_IN_ADDRESS = re.compile(r"([零〇一二两三四五六七八九十百]+)(?=组|幢|栋|号|单元|室|弄|排|区|层|楼)")


def address_digits(text: str) -> str:
    """十二组 -> 12组, 三幢 -> 3幢, 五号 -> 5号: numbers in an address as digits."""
    return _CN_IN_ADDRESS.sub(lambda m: str(cn_to_int(m.group(1))), text)


_BUILDING = re.compile(r"(\d+)\s*(?:幢|栋|号楼)")


def buildings(text: str) -> frozenset[str]:
    """The building numbers a text names: 5幢, 十二栋, 3号楼 -> {"5", "12", "3"}."""
    return frozenset(_BUILDING.findall(address_digits(text)))
