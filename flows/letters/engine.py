"""The sandboxed Jinja environment and the static checks of a template's tags.

Plain Jinja, no file format: ``docx_adapter`` hands over the template source and maps the
findings back to Word paragraphs.

Safety comes from three layers: the context holds only strings, lists and dicts built in
``context.py``; the environment is a ``SandboxedEnvironment`` (no attribute starting with an
underscore, no unsafe callables); and the static check refuses such access before a letter
is ever rendered, so a hostile or careless template fails with a message, not a traceback.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .kinds import ROW_FIELDS, variables_for

# XML-illegal characters, except \a: context.py turns a value's line breaks into \a where each line
# is a paragraph of its own, and the .docx adapter turns \a into a paragraph break (never into XML).
_ILLEGAL = re.compile(r"[\x00-\x06\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
BUILTIN_NAMES = frozenset({"loop", "range", "true", "false", "none", "True", "False", "None"})


def make_env(missing: str = "") -> SandboxedEnvironment:
    def finalize(value: Any) -> Any:
        if value is None or value == "":
            return missing
        # Escape here (autoescape leaves Markup alone) and also encode braces as character
        # references: petition text such as "{{ 7*7 }}" then stays literal text, and
        # docxtpl's "{_{" -> "{{" post-processing cannot touch it.
        text = _ILLEGAL.sub("", str(value))
        return Markup(str(escape(text)).replace("{", "&#123;").replace("}", "&#125;"))

    return SandboxedEnvironment(autoescape=True, finalize=finalize, undefined=StrictUndefined,
                                keep_trailing_newline=True)


def unclosed_block(exc: TemplateSyntaxError) -> str | None:
    """The tag Jinja was still inside when the template ended ('if', 'for'), if that was the error."""
    m = re.search(r"innermost block that needs to be closed is '(\w+)'", exc.message or "")
    return m.group(1) if m else None


def zh_syntax(exc: TemplateSyntaxError) -> str:
    msg = exc.message or ""
    block = unclosed_block(exc)
    if block:
        return f"模板语法错误：{{% {block} %}} 缺少对应的结束标记 {{% end{block} %}}（表格行用 {{%tr end{block} %}}）"
    table = [
        ("unexpected end of template", "模板缺少结束标记（如 {% endif %}、{%tr endfor %}），或 {% %} 没有配对"),
        ("Encountered unknown tag", "有无法识别的 {% %} 标记，请检查拼写（如 for、if、endfor、endif）"),
        ("expected token 'end of print statement'", "占位符 {{ }} 里的写法有误（变量名中不能有空格或标点）"),
        ("unexpected '}'", "多了一个“}”，或占位符没有用 {{ 开头"),
        ("unexpected char", "占位符里有无法识别的字符（请用半角的 {{ }} 和 {% %}）"),
        ("expected name or number", "占位符里缺少变量名"),
    ]
    for needle, zh in table:
        if needle.lower() in msg.lower():
            return f"模板语法错误：{zh}"
    return f"模板语法错误：{msg}"


def zh_runtime(exc: Exception) -> str:
    if isinstance(exc, SecurityError):
        return "模板试图访问程序内部属性，已被安全沙箱阻止。请删除这类写法（如 __class__、__globals__）"
    if isinstance(exc, UndefinedError):
        return f"模板用到了不存在的内容：{exc.message}。请对照《文书模板使用说明》中的变量表检查拼写"
    if isinstance(exc, TemplateSyntaxError):
        return zh_syntax(exc)
    if isinstance(exc, TemplateError):
        return f"模板无法生成文书：{exc}"
    return f"模板无法生成文书：{type(exc).__name__}"


def _walk(node: nodes.Node) -> Iterator[nodes.Node]:
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def analyse(env: SandboxedEnvironment, source: str, kind: str) -> list[tuple[str, str]]:
    """Static findings as (message, text to locate it by). Raises TemplateSyntaxError."""
    from jinja2 import meta

    ast = env.parse(source)
    known = variables_for(kind)
    found: list[tuple[str, str]] = []
    for node in _walk(ast):
        attr = None
        if isinstance(node, nodes.Getattr):
            attr = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attr = node.arg.value
        if attr is not None and attr.startswith("_"):
            found.append((f"模板试图访问程序内部属性“{attr}”，出于安全原因不允许", attr))
        if isinstance(node, nodes.Filter) and node.name == "attr":
            found.append(("模板使用了 attr 过滤器访问属性，出于安全原因不允许", "attr"))
    for name in sorted(meta.find_undeclared_variables(ast) - set(known) - BUILTIN_NAMES):
        found.append((_unknown(name, known), name))
    # Row fields: {{ 人.姓名 }} inside {%tr for 人 in 信访人列表 %}.
    for loop in (n for n in _walk(ast) if isinstance(n, nodes.For)):
        if not (isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name)):
            continue
        fields = ROW_FIELDS.get(loop.iter.name)
        if fields is None:
            continue
        for node in (n for b in loop.body for n in _walk(b)):
            if (isinstance(node, nodes.Getattr) and isinstance(node.node, nodes.Name)
                    and node.node.name == loop.target.name and node.attr not in fields
                    and not node.attr.startswith("_")):
                hint = _suggest(node.attr, fields)
                found.append((f"“{loop.iter.name}”的每一行没有“{node.attr}”这一项{hint}", node.attr))
    return found


def _suggest(name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.4)
    return f"，是不是想写“{close[0]}”？" if close else "。可用的名称见《文书模板使用说明》"


def _unknown(name: str, known: dict[str, str]) -> str:
    return f"未知的变量“{name}”{_suggest(name, known)}"
