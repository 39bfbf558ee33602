"""Hostile or careless templates fail cleanly, in Chinese, and only for their own kind."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from flows.letters import TemplateProblem, check_templates, draft_letters
from flows.letters.docx_adapter import compile_letter
from flows.letters.engine import make_env, zh_runtime
from tests.letters.conftest import edit_template


def test_sandbox_blocks_python_internals_at_render_time():
    env = make_env()
    with pytest.raises(SecurityError) as info:
        env.from_string("{{ x.__class__.__mro__[1].__subclasses__() }}").render(x="信访")
    assert "安全沙箱" in zh_runtime(info.value)
    with pytest.raises(SecurityError):
        env.from_string("{{ f.__globals__ }}").render(f=lambda: 1)


@pytest.mark.parametrize("tag", ["{{ 信访人.__class__ }}", "{{ 人名.__globals__ }}", '{{ 信访人|attr("__class__") }}'])
def test_template_reaching_internals_is_refused_before_rendering(templates, tag):
    path = templates / "受理告知书.docx"
    edit_template(path, "{{ 信访人 }}：", tag + "：")
    with pytest.raises(TemplateProblem) as info:
        compile_letter(path, "受理告知书", make_env())
    assert "不允许" in str(info.value) and "受理告知书.docx" in str(info.value)


def test_escaping_keeps_values_literal():
    env = make_env("—")
    out = env.from_string("<w:t>{{ a }}|{{ b }}|{{ c }}</w:t>").render(a="{{ 7*7 }}", b="<b>&", c="")
    assert out == "<w:t>&#123;&#123; 7*7 &#125;&#125;|&lt;b&gt;&amp;|—</w:t>"


def test_check_finds_split_placeholder_and_misspelt_variable(settings, templates):
    edit_template(templates / "交办单.docx", "编号：{{ 信访件编号 }}",
                  '编号：{{ 信访件</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">编号 }}')
    edit_template(templates / "受理告知书.docx", "“{{ 标题 }}”", "“{{ 标体 }}”")
    edit_template(templates / "催办单.docx", "{{ 项.超期天数 }}", "{{ 项.超期日数 }}")
    edit_template(templates / "督办单.docx", "{{ 办理要求 }}", "{% if 办理要求 %}{{ 办理要求 }}")
    report = check_templates(settings)
    split = [str(p) for p in report["交办单.docx"]]
    assert len(split) == 1 and "被 Word 拆成了 2 段" in split[0] and "交办单.docx 正文第2段" in split[0]
    typo = [str(p) for p in report["受理告知书.docx"]]
    assert len(typo) == 1 and "未知的变量“标体”" in typo[0] and "是不是想写“标题”" in typo[0] and "第4段" in typo[0]
    row = [str(p) for p in report["催办单.docx"]]
    assert len(row) == 1 and "没有“超期日数”" in row[0] and "超期天数" in row[0]
    syntax = [str(p) for p in report["督办单.docx"]]
    assert len(syntax) == 1 and "{% if %} 缺少对应的结束标记 {% endif %}" in syntax[0] and "正文第3段" in syntax[0]
    assert report["不予受理告知书.docx"] == []


def test_broken_template_fails_only_its_kind(store, settings, clock, run, petitions):
    edit_template(settings.letters.templates_path() / "受理告知书.docx", "“{{ 标题 }}”", "“{{ 标体 }}”")
    drafted = draft_letters(store, settings, clock, run)
    kinds = {d.kind for d in drafted}
    assert "受理告知书" not in kinds and {"交办单", "不予受理告知书", "不再受理告知书", "延期办理告知书"} <= kinds
    broken = [w for w in run.warnings if "模板有误" in w]
    assert len(broken) == 1 and "未知的变量“标体”" in broken[0] and "受理告知书.docx" in broken[0]
    assert run.failures == [{"ref": "YH2026110002", "reason": "受理告知书未起草：模板有误，见运行警告"}]
