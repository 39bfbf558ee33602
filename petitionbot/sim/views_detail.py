"""The detail view of one petition: every field, the petitioners table, the attachments and,
while it waits for it, the 签收 button (JS confirm, then a POST)."""

from __future__ import annotations

import json
from html import escape
from typing import Any
from urllib.parse import quote

from petitionbot.sim import dataset as ds
from petitionbot.sim.layouts import Layout
from petitionbot.sim.views_auth import shell


def attachment_size(att: dict[str, Any]) -> int:
    if isinstance(att.get("base64"), str):
        return len(att["base64"]) * 3 // 4
    try:
        return max(int(att.get("size") or 0), 0)
    except (TypeError, ValueError):
        return 0


def _human(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def _value(p: dict[str, Any], key: str, units: dict[str, str]) -> str:
    if key == "assigned_to":
        code = ds.text(p.get("assigned_to"))
        name = units.get(code, "")
        return f"{name}（{code}）" if name else code
    return ds.text(p.get(key))


def _petitioners(lay: Layout, p: dict[str, Any]) -> str:
    people = p.get("petitioners")
    if not isinstance(people, list) or not people:
        return '<p class="empty">（无信访人信息）</p>'
    head = "".join(f"<th>{label}</th>" for _, label in lay.petitioner_cols)
    rows = []
    for person in people:
        person = person if isinstance(person, dict) else {"name": person}
        rows.append("<tr>" + "".join(f"<td>{escape(ds.text(person.get(k)))}</td>" for k, _ in lay.petitioner_cols)
                    + "</tr>")
    cls = 'id="petitionerTable" class="grid"' if lay.name == "v1" else 'class="xf-table xf-xfr"'
    return f"<table {cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _attachments(lay: Layout, ref: str, p: dict[str, Any]) -> str:
    atts = p.get("attachments")
    if not isinstance(atts, list) or not atts:
        return "<span>无</span>"
    items = []
    k_ref, k_idx = lay.download_params
    for i, att in enumerate(atts):
        if not isinstance(att, dict):
            continue
        href = f"{lay.download}?{k_ref}={quote(ref, safe='')}&{k_idx}={i}"
        name, size = escape(ds.text(att.get("name"))), _human(attachment_size(att))
        if lay.name == "v1":
            items.append(f'<li><a href="{escape(href)}">{name}</a> <span class="size">({size})</span></li>')
        else:
            items.append(f'<div class="xf-fj"><a class="xf-fj-link" href="{escape(href)}" download>{name}</a>'
                         f'<em>{size}</em></div>')
    return f"<ul class=\"att-list\">{''.join(items)}</ul>" if lay.name == "v1" else "".join(items)


def detail_page(lay: Layout, p: dict[str, Any], *, csrf: str, units: dict[str, str]) -> str:
    ref = ds.text(p.get("ref"))
    waiting = ds.text(p.get("status")) == ds.SIGN_STATUS
    if lay.name == "v1":
        rows = "".join(
            f"<tr><th>{label}</th><td>{escape(_value(p, key, units))}</td></tr>" for key, label in lay.fields
        )
        rows += f"<tr><th>{lay.attachments_label}</th><td>{_attachments(lay, ref, p)}</td></tr>"
        button = ""
        if waiting:
            button = (
                '<button id="btnSign" type="button">签收</button><script>'
                f"var REF = {json.dumps(ref)}, CSRF = {json.dumps(csrf)};"
                "document.getElementById('btnSign').onclick = function(){"
                " if (!confirm('确定签收该信访件吗？')) return;"
                f" fetch({json.dumps(lay.sign)}, {{method:'POST', credentials:'same-origin',"
                " headers:{'Content-Type':'application/x-www-form-urlencoded'},"
                " body:'ref=' + encodeURIComponent(REF) + '&csrf_token=' + CSRF}).then(function(r){"
                f"  if (r.status === 401) {{ top.location.href = {json.dumps(lay.login)} + '?expired=1'; return; }}"
                "  if (!r.ok) { alert('签收失败（' + r.status + '）'); return; }"
                "  alert('签收成功'); location.reload(); }); };</script>"
            )
        body = (
            f'<h3>信访件详情</h3><div class="toolbar">{button}</div>'
            f'<table id="detailTable" class="detail">{rows}</table>'
            f'<h4>信访人</h4>{_petitioners(lay, p)}'
        )
    else:
        items = "".join(
            f"<dt>{label}：</dt><dd>{escape(_value(p, key, units))}</dd>" for key, label in lay.fields
        )
        button = ""
        if waiting:
            button = (
                f'<form method="post" action="{lay.sign}" class="xf-qs-form">'
                f'<input type="hidden" name="xfjbh" value="{escape(ref)}">'
                f'<input type="hidden" name="_token" value="{escape(csrf)}">'
                '<a href="javascript:;" class="xf-btn xf-btn-qs" role="button" '
                "onclick=\"if(confirm('是否确认签收？')){this.parentNode.submit();}\">签 收</a></form>"
            )
        body = (
            f'<div class="xf-crumb">当前位置：信访业务 &gt; 信访件查看</div><div class="xf-ops">{button}</div>'
            f'<div class="xf-card"><dl class="xf-info">{items}</dl></div>'
            f'<div class="xf-card"><div class="xf-card-title">信访人信息</div>{_petitioners(lay, p)}</div>'
            f'<div class="xf-card"><dl class="xf-info"><dt>{lay.attachments_label}：</dt>'
            f"<dd>{_attachments(lay, ref, p)}</dd></dl></div>"
        )
    return shell(f"信访件 {ref}", body)
