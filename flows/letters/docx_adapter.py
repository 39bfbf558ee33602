"""The .docx adapter: the only module that knows the Word format (docxtpl, lxml, zip).

A template is read and compiled once (``compile_letter``); each letter is then one Jinja
render of each XML part plus a zip written by hand with the untouched parts copied. That is
what docxtpl does per letter, minus re-reading the package and re-parsing the template
every time (see docs/letters.md for the figures). docxtpl's own XML clean-up (joining a
placeholder Word split across runs, ``{%tr %}`` rows, line breaks) is reused as is.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Template, TemplateSyntaxError, meta
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .engine import analyse, unclosed_block, zh_runtime, zh_syntax
from .problems import Problem, TemplateProblem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Parts that may hold placeholders (docxtpl renders the same ones).
_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml$")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # same data, same bytes: the file hash means "unedited"


def _part_label(name: str) -> str:
    if "header" in name:
        return "页眉"
    if "footer" in name:
        return "页脚"
    if "note" in name:
        return "脚注"
    return "正文"


def _paragraphs(root: etree._Element) -> list[list[str]]:
    """Each paragraph as the list of its w:t texts, in document order (table cells too)."""
    return [[t.text or "" for t in p.iter(f"{W}t")] for p in root.iter(f"{W}p")]


def _locate(paras: list[list[str]], needle: str) -> tuple[int | None, str]:
    for i, texts in enumerate(paras, 1):
        text = "".join(texts)
        if needle and needle in text:
            return i, _short(text)
    return None, ""


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class _Source:
    name: str
    label: str
    paras: list[list[str]]
    patched: str


@dataclass
class CompiledLetter:
    kind: str
    path: Path
    _infos: list[zipfile.ZipInfo] = field(default_factory=list)
    _raw: dict[str, bytes] = field(default_factory=dict)
    _templates: dict[str, Template] = field(default_factory=dict)
    _helper: Any = None
    variables: frozenset[str] = frozenset()  # what the template shows: only these decide "changed"

    def render(self, context: dict[str, Any]) -> bytes:
        """The letter's bytes. Raises TemplateProblem when the template breaks on this data."""
        return self.render_with_text(context)[0]

    def render_with_text(self, context: dict[str, Any]) -> tuple[bytes, list[str]]:
        """The letter's bytes and the text of its rendered paragraphs (body first), read from the
        very XML written: what the pre-issue checks read, without opening the package again."""
        out = io.BytesIO()
        texts: dict[str, list[str]] = {}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in self._infos:
                tpl = self._templates.get(info.filename)
                if tpl is None:
                    data = self._raw[info.filename]
                else:
                    data, texts[info.filename] = self._render_part(info.filename, tpl, context)
                z.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), data,
                           compress_type=zipfile.ZIP_DEFLATED)
        order = sorted(texts, key=lambda n: (n != "word/document.xml", n))
        return out.getvalue(), [t for name in order for t in texts[name]]

    def _render_part(self, name: str, tpl: Template, context: dict[str, Any]) -> tuple[bytes, list[str]]:
        try:
            xml = tpl.render(context)
        except Exception as exc:  # noqa: BLE001 - any failure of a clerk's template is a template problem
            raise TemplateProblem([Problem(self.path.name, zh_runtime(exc), part=_part_label(name))]) from exc
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if "\n" in xml or "\t" in xml or "\a" in xml or "\f" in xml:
            xml = self._helper.resolve_listing(xml)  # line breaks in values -> <w:br/>
        try:
            root = etree.fromstring(xml.encode("utf-8"))
        except etree.XMLSyntaxError as exc:
            msg = "模板生成的文档结构已损坏，常见原因是 {% if %} / {% for %} 的开始和结束不在同一层（如一个在表格内、一个在表格外）"
            raise TemplateProblem([Problem(self.path.name, msg, part=_part_label(name))]) from exc
        return (XML_DECL + xml).encode("utf-8"), _texts(root)


def _read(path: Path) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            return infos, {i.filename: z.read(i.filename) for i in infos}
    except (OSError, zipfile.BadZipFile) as exc:
        raise TemplateProblem([Problem(path.name, "无法打开模板文件，请确认是 Word（.docx）格式且未损坏")]) from exc


def _sources(path: Path, raw: dict[str, bytes], helper: Any) -> list[_Source]:
    out = []
    for name in sorted(raw, key=lambda n: (n != "word/document.xml", n)):
        if not _PART.match(name):
            continue
        blob = raw[name]
        if b"{" not in blob:
            continue
        try:
            root = etree.fromstring(blob)
        except etree.XMLSyntaxError as exc:
            raise TemplateProblem([Problem(path.name, "模板文件内部结构损坏，请在 Word 中另存一次", part=_part_label(name))]) from exc
        xml = etree.tostring(root, encoding="unicode")
        patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", helper.patch_xml(xml))
        out.append(_Source(name, _part_label(name), _paragraphs(root), patched))
    return out


def _static_problems(path: Path, src: _Source, env: SandboxedEnvironment, kind: str) -> list[Problem]:
    try:
        findings = analyse(env, src.patched, kind)
    except TemplateSyntaxError as exc:
        line = src.patched.splitlines()[exc.lineno - 1] if exc.lineno else ""
        text = re.sub(r"<[^>]+>", "", line).strip()
        no, snippet = _locate(src.paras, text[:20]) if text else (None, "")
        block = unclosed_block(exc)
        if block:  # point at the opening tag left open, not at the end of the document
            hit = _left_open(src.paras, block)
            if hit:
                no, snippet = hit, _short("".join(src.paras[hit - 1]))
        return [Problem(path.name, zh_syntax(exc), no, src.label, snippet or _short(text))]
    problems = []
    for message, needle in findings:
        no, snippet = _locate(src.paras, needle)
        problems.append(Problem(path.name, message, no, src.label, snippet))
    return problems


def _left_open(paras: list[list[str]], block: str) -> int | None:
    """The paragraph of the ``block`` tag (if, for) that no end tag closes: blocks opened and
    closed after it (a later {%p if %} ... {%p endif %}) are matched off first."""
    tag = re.compile(r"\{%-?(?:tr|tc|p|r)?\s+(end)?" + block + r"\b")
    stack: list[int] = []
    for i, texts in enumerate(paras, 1):
        for m in tag.finditer("".join(texts)):
            if m.group(1):
                if stack:
                    stack.pop()
            else:
                stack.append(i)
    return stack[-1] if stack else None


def _split_problems(path: Path, src: _Source) -> list[Problem]:
    """Placeholders Word broke into several runs (typed in pieces, spell-check, formatting)."""
    problems = []
    for no, texts in enumerate(src.paras, 1):
        text = "".join(texts)
        if "{" not in text:
            continue
        bounds, pos = [], 0
        for t in texts:
            bounds.append((pos, pos + len(t)))
            pos += len(t)
        for m in _TAG.finditer(text):
            pieces = [i for i, (a, b) in enumerate(bounds) if a < m.end() and b > m.start()]
            if len(pieces) > 1:
                problems.append(Problem(
                    path.name, f"占位符“{m.group(0)}”被 Word 拆成了 {len(pieces)} 段不同格式的文字。"
                    "请选中整个占位符，删除后一次性重新输入（中间不要改格式）", no, src.label, _short(text)))
        stripped = _TAG.sub("", text)
        if "{{" in stripped or "{%" in stripped:
            problems.append(Problem(path.name, "占位符没有在本段内结束（缺少 }} 或 %}）", no, src.label, _short(text)))
    return problems


def check_template(path: Path, kind: str, env: SandboxedEnvironment) -> list[Problem]:
    """Everything ``templates check`` reports for one template (empty list: fine)."""
    helper = DocxTemplate(path)
    try:
        _infos, raw = _read(path)
        sources = _sources(path, raw, helper)
    except TemplateProblem as exc:
        return exc.problems
    if "word/document.xml" not in raw:
        return [Problem(path.name, "模板文件缺少正文，请确认是 Word（.docx）文档")]
    problems: list[Problem] = []
    for src in sources:
        problems += _split_problems(path, src)
        problems += _static_problems(path, src, env, kind)
    return problems


def compile_letter(path: Path, kind: str, env: SandboxedEnvironment) -> CompiledLetter:
    """Read and compile once. Raises TemplateProblem with the same messages as the check,
    except split placeholders, which docxtpl joins well enough to draft with."""
    helper = DocxTemplate(path)
    infos, raw = _read(path)
    letter = CompiledLetter(kind, path, infos, raw, {}, helper)
    problems: list[Problem] = []
    for src in _sources(path, raw, helper):
        found = _static_problems(path, src, env, kind)
        problems += found
        if not found:
            try:
                letter._templates[src.name] = env.from_string(src.patched)
                letter.variables |= meta.find_undeclared_variables(env.parse(src.patched))
            except TemplateError as exc:
                problems.append(Problem(path.name, zh_runtime(exc), part=src.label))
    if problems:
        raise TemplateProblem(problems)
    return letter


def paragraph_texts(data: bytes) -> list[str]:
    """Every paragraph's text of a .docx given as bytes (body first, tables, headers, footers),
    with line breaks and tabs as characters."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = sorted((n for n in z.namelist() if _PART.match(n)), key=lambda n: (n != "word/document.xml", n))
        return [t for name in names for t in _texts(etree.fromstring(z.read(name)))]


def _texts(root: etree._Element) -> list[str]:
    return ["".join(_run_text(el) for r in p.iter(f"{W}r") for el in r) for p in root.iter(f"{W}p")]


def _run_text(el: etree._Element) -> str:
    if el.tag == f"{W}br":
        return "\n"
    if el.tag == f"{W}tab":
        return "\t"
    return (el.text or "") if el.tag == f"{W}t" else ""


def read_text(path: Path) -> str:
    """All paragraph text of a .docx (body, tables, footers): for tests and the check's report."""
    _infos, raw = _read(path)
    texts = []
    for name in sorted(raw):
        if _PART.match(name):
            texts += ["".join(p) for p in _paragraphs(etree.fromstring(raw[name]))]
    return "\n".join(texts)
