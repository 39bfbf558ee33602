"""The hotline platform's pages. Its shape differs from the district system on purpose:

- login: 工号 / 口令; the 口令 input has no name, the page's script sends
  ``sha256(xsrf + ":" + 口令)`` instead, from a ``type=button`` (no form submit button);
  the CSRF token is a double-submit cookie (``HL_XSRF`` echoed in a ``_xsrf`` field);
- the work-order lists are server-rendered pages inside an iframe, paged by a "下一页" link
  (no JavaScript paging, no page-size control);
- a detail is a set of definition lists (``<dl><dt>工单编号</dt><dd>…</dd>``), with exactly one
  attachment; 接单 opens the page's own dialog (no ``confirm()``), whose 确定 posts a form.
"""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import quote

from petitionbot.sim import dataset as ds
from petitionbot.sim.hotline.state import ACCEPT_FROM, TAB_TITLES
from petitionbot.sim.views_detail import attachment_size as district_attachment_size

SYSTEM_NAME = "杭州市12345政务服务便民热线 · 工单办理平台"
PREFIX = "/gdpt"
LOGIN = f"{PREFIX}/login"
WORKBENCH = f"{PREFIX}/workbench"
HOME = f"{PREFIX}/home"
LIST = f"{PREFIX}/gd/list"
VIEW = f"{PREFIX}/gd/view"
ACCEPT = f"{PREFIX}/gd/accept"
RETURN = f"{PREFIX}/gd/return"
DOWNLOAD = f"{PREFIX}/fj/download"
CSS_PATH = f"{PREFIX}/static/hl.css"

# (dataset key, label) of the 工单信息 card, in display order.
ORDER_FIELDS = (
    ("ref", "工单编号"), ("status", "工单状态"), ("title", "工单标题"), ("request_type", "诉求类型"),
    ("channel", "来源渠道"), ("received_at", "受理时间"), ("dispatched_at", "派单时间"), ("due_at", "办理时限"),
    ("dispatcher", "派单单位"), ("assigned_to", "承办单位"), ("locality", "问题属地"), ("category", "问题分类"),
    ("confidential", "是否保密"),
)
LIST_COLUMNS = (("ref", "工单编号"), ("title", "工单标题"), ("request_type", "诉求类型"), ("channel", "来源渠道"),
                ("dispatched_at", "派单时间"), ("due_at", "办理时限"), ("status", "工单状态"))


def page(title: str, body: str, *, css_class: str = "", script: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="{CSS_PATH}"></head>'
        f'<body class="{css_class}">{body}{f"<script>{script}</script>" if script else ""}</body></html>'
    )


_LOGIN_JS = """
document.getElementById('dl').addEventListener('click', async function(){
  var gh = document.getElementById('gh').value.trim(), kl = document.getElementById('kl').value;
  var tip = document.getElementById('tip');
  if (!gh || !kl) { tip.textContent = '请输入工号和口令'; return; }
  if (!window.crypto || !crypto.subtle) { tip.textContent = '请通过 https 或本机地址访问本平台'; return; }
  var f = document.getElementById('dlForm');
  var bytes = new TextEncoder().encode(f._xsrf.value + ':' + kl);
  var hash = await crypto.subtle.digest('SHA-256', bytes);
  f.klHash.value = Array.from(new Uint8Array(hash)).map(function(b){ return b.toString(16).padStart(2, '0'); }).join('');
  f.submit();
});
document.getElementById('kl').addEventListener('keydown', function(e){ if (e.key === 'Enter') document.getElementById('dl').click(); });
"""


def login_page(*, xsrf: str, message: str = "", username: str = "") -> str:
    tip = escape(message)
    body = (
        f'<div class="hl-login"><div class="hl-brand">12345</div><h1>{SYSTEM_NAME}</h1>'
        '<p class="hl-sub">承办单位登录</p>'
        f'<form id="dlForm" method="post" action="{LOGIN}">'
        f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}"><input type="hidden" name="klHash" value="">'
        f'<div class="hl-field"><label for="gh">工号</label><input id="gh" name="gh" value="{escape(username)}" '
        'autocomplete="username"></div>'
        '<div class="hl-field"><label for="kl">口令</label><input id="kl" type="password" autocomplete="current-password">'
        '</div>'
        f'<div id="tip" class="hl-tip" role="alert">{tip}</div>'
        '<button type="button" id="dl" class="hl-btn hl-primary">登 录</button>'
        '</form><p class="hl-foot">忘记口令请联系区热线分中心管理员</p></div>'
    )
    return page(f"{SYSTEM_NAME} - 登录", body, css_class="login", script=_LOGIN_JS)


def workbench_page(user_label: str, counts: dict[str, int]) -> str:
    nav = "".join(
        f'<li><a href="{LIST}?tab={tab}" target="gdFrame">{title}<b>{counts.get(tab, 0)}</b></a></li>'
        for tab, title in TAB_TITLES.items()
    )
    body = (
        f'<header class="hl-top"><span class="hl-logo">12345</span>{SYSTEM_NAME}'
        f'<span class="hl-user">{escape(user_label)} <a href="{PREFIX}/logout">退出</a></span></header>'
        f'<div class="hl-body"><nav class="hl-nav"><div class="hl-nav-title">工单管理</div><ul>{nav}</ul></nav>'
        f'<iframe id="gdFrame" name="gdFrame" src="{HOME}" title="工单"></iframe></div>'
    )
    return page(SYSTEM_NAME, body, css_class="workbench")


def home_page(counts: dict[str, int]) -> str:
    body = (f'<div class="crumb">首页</div><div class="hl-cards">'
            f'<div class="hl-stat"><b>{counts.get("djd", 0)}</b>待接单</div>'
            f'<div class="hl-stat"><b>{counts.get("clz", 0)}</b>处理中</div></div>'
            '<p class="hl-note">请从左侧“工单管理”选择。接单后请在办理时限前办结并回复。</p>')
    return page("首页", body, css_class="frame")


def list_page(tab: str, rows: list[dict[str, Any]], *, page_no: int, size: int, total: int) -> str:
    pages = max(1, -(-total // size))
    head = "".join(f"<th>{label}</th>" for _, label in LIST_COLUMNS)
    lines = []
    for i, o in enumerate(rows, start=(page_no - 1) * size + 1):
        cells = []
        for key, _ in LIST_COLUMNS:
            value = escape(ds.text(o.get(key)))
            if key == "ref":
                value = f'<a href="{VIEW}?gdbh={quote(ds.text(o.get("ref")), safe="")}">{value}</a>'
            cells.append(f"<td>{value}</td>")
        lines.append(f'<tr><td>{i}</td>{"".join(cells)}</tr>')
    if not lines:
        lines.append(f'<tr><td colspan="{len(LIST_COLUMNS) + 1}" class="empty">暂无工单</td></tr>')

    def link(n: int, text: str, enabled: bool) -> str:
        return f'<a href="{LIST}?tab={tab}&amp;p={n}">{text}</a>' if enabled else f'<span class="off">{text}</span>'

    pager = (f'<div class="pager">当前第 {page_no} 页 / 共 {pages} 页，共 {total} 条 '
             f'{link(page_no - 1, "上一页", page_no > 1)} {link(page_no + 1, "下一页", page_no < pages)}</div>')
    body = (f'<div class="crumb">工单管理 › {TAB_TITLES[tab]}</div>'
            f'<table class="gd-table"><thead><tr><th>序号</th>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>'
            f"{pager}")
    return page(TAB_TITLES[tab], body, css_class="frame")


def masked_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 and phone.isdigit() else phone


def _value(o: dict[str, Any], key: str, units: dict[str, str]) -> str:
    if key == "assigned_to":
        code = ds.text(o.get("assigned_to"))
        return units.get(code, code)
    return ds.text(o.get(key))


def _dl(pairs: list[tuple[str, str]], cls: str = "gd-info") -> str:
    return f'<dl class="{cls}">' + "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in pairs) + "</dl>"


def attachment_size(att: dict[str, Any]) -> int:
    """A transcript's ``text`` is the hotline's own; ``base64`` and ``size`` as in the district's."""
    if isinstance(att.get("text"), str):
        return len(att["text"].encode("utf-8"))
    return district_attachment_size(att)


def _attachment(ref: str, att: Any, fid: str) -> str:
    if not isinstance(att, dict):
        return "无"
    size = attachment_size(att)
    human = f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"
    href = f"{DOWNLOAD}?gdbh={quote(ref, safe='')}&fid={fid}"
    return f'<a class="fj" href="{escape(href)}">{escape(ds.text(att.get("name")))}</a><span class="size">（{human}）</span>'


def _dialogs(ref: str, xsrf: str, due: str) -> str:
    hidden = (f'<input type="hidden" name="gdbh" value="{escape(ref)}">'
              f'<input type="hidden" name="_xsrf" value="{escape(xsrf)}">')
    return (
        '<div id="acceptDlg" class="gd-mask" hidden><div class="gd-dialog" role="dialog" aria-modal="true" '
        'aria-labelledby="acceptTitle"><div class="gd-dialog-title" id="acceptTitle">接单确认</div>'
        f'<p>确认接收工单 {escape(ref)}？接单后请在办理时限（{escape(due)}）前办结并回复。</p>'
        f'<form method="post" action="{ACCEPT}">{hidden}'
        '<button type="submit" class="hl-btn hl-primary">确 定</button> '
        '<button type="button" class="hl-btn" data-close>取 消</button></form></div></div>'
        '<div id="returnDlg" class="gd-mask" hidden><div class="gd-dialog" role="dialog" aria-modal="true" '
        'aria-labelledby="returnTitle"><div class="gd-dialog-title" id="returnTitle">退单申请</div>'
        '<p>工单不属于本单位职责范围的，请说明理由后退回热线平台。</p>'
        f'<form method="post" action="{RETURN}">{hidden}'
        '<textarea name="reason" rows="3" placeholder="退单理由（必填）" required></textarea>'
        '<button type="submit" class="hl-btn hl-primary">确 定</button> '
        '<button type="button" class="hl-btn" data-close>取 消</button></form></div></div>'
    )


_DIALOG_JS = """
document.querySelectorAll('[data-open]').forEach(function(b){ b.addEventListener('click', function(){
  document.getElementById(b.dataset.open).hidden = false; }); });
document.querySelectorAll('[data-close]').forEach(function(b){ b.addEventListener('click', function(){
  b.closest('.gd-mask').hidden = true; }); });
"""

NOTICES = {"accepted": "接单成功，请在办理时限前办结。", "returned": "已提交退单申请。",
           "state": "该工单当前状态不能执行此操作。", "reason": "请填写退单理由。"}


def detail_page(o: dict[str, Any], *, xsrf: str, units: dict[str, str], fid: str, notice: str = "",
                broken: bool = False) -> str:
    ref = ds.text(o.get("ref"))

    def label(text: str, n: int) -> str:
        # "broken": a half-finished upgrade renamed every label; the robot must stop, not guess.
        return f"字段{n}" if broken else text

    info = [(label(lab, i), escape(_value(o, key, units))) for i, (key, lab) in enumerate(ORDER_FIELDS, start=1)]
    confidential = ds.text(o.get("confidential")) == "是"
    phone = ds.text(o.get("phone"))
    person = [(label("诉求人", 20), escape(ds.text(o.get("caller")))),
              (label("联系电话", 21), escape(masked_phone(phone) if confidential else phone))]
    ops = ""
    waiting = ds.text(o.get("status")) == ACCEPT_FROM
    if waiting:
        ops = ('<button type="button" class="hl-btn hl-primary" data-open="acceptDlg">接 单</button> '
               '<button type="button" class="hl-btn hl-warn" data-open="returnDlg">退 单</button> ')
    msg = f'<div class="hl-msg" role="status">{escape(NOTICES[notice])}</div>' if notice in NOTICES else ""
    body = (
        f'<div class="crumb">工单管理 › 工单详情</div>{msg}'
        f'<div class="ops">{ops}<a href="javascript:history.back()">返回列表</a></div>'
        f'<section class="card"><h3>工单信息</h3>{_dl(info)}</section>'
        f'<section class="card"><h3>诉求人信息</h3>{_dl(person)}</section>'
        f'<section class="card"><h3>诉求详情</h3>'
        f'{_dl([(label("诉求内容", 22), escape(ds.text(o.get("content"))))], "gd-info gd-content")}</section>'
        f'<section class="card"><h3>附件</h3>{_dl([(label("附件", 23), _attachment(ref, o.get("attachment"), fid))])}'
        "</section>"
        + (_dialogs(ref, xsrf, ds.text(o.get("due_at"))) if waiting else "")
    )
    return page(f"工单 {ref}", body, css_class="frame", script=_DIALOG_JS if waiting else "")


def error_page(status: int, message: str) -> str:
    titles = {400: "请求错误", 403: "无权访问", 404: "未找到", 405: "请求方式错误", 429: "请求过于频繁",
              500: "系统异常", 503: "系统维护"}
    body = (f'<div class="hl-error"><h2>{titles.get(status, "错误")}</h2><p>{escape(message)}</p>'
            f'<p class="code">错误代码 {status}</p></div>')
    return page(titles.get(status, "错误"), body, css_class="frame")


CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;font-size:14px;margin:0;color:#222;background:#f3f5f8}
.login{display:flex;justify-content:center;align-items:center;min-height:100vh;background:#0b5cad}
.hl-login{background:#fff;padding:28px 36px;border-radius:6px;width:360px;box-shadow:0 4px 16px rgba(0,0,0,.25)}
.hl-login h1{font-size:18px;margin:8px 0 2px}.hl-sub{color:#666;margin:0 0 16px}
.hl-brand,.hl-logo{display:inline-block;background:#e60012;color:#fff;font-weight:bold;padding:2px 8px;border-radius:3px}
.hl-field{margin:10px 0}.hl-field label{display:inline-block;width:48px}.hl-field input{width:250px;padding:6px}
.hl-tip{color:#c00;min-height:20px;margin:6px 0}.hl-foot{color:#999;font-size:12px}
.hl-btn{padding:6px 18px;border:1px solid #aab;border-radius:3px;background:#fff;cursor:pointer}
.hl-primary{background:#0b5cad;color:#fff;border-color:#0b5cad}.hl-warn{color:#b25000;border-color:#b25000}
.hl-top{background:#0b5cad;color:#fff;padding:10px 16px;font-size:16px}.hl-top .hl-logo{margin-right:8px}
.hl-user{float:right;font-size:13px}.hl-user a{color:#fff}
.hl-body{display:flex}.hl-nav{width:170px;background:#fff;min-height:calc(100vh - 42px);border-right:1px solid #dde}
.hl-nav-title{padding:10px 14px;font-weight:bold}.hl-nav ul{list-style:none;margin:0;padding:0}
.hl-nav a{display:block;padding:8px 18px;color:#234;text-decoration:none}.hl-nav b{float:right;color:#e60012}
#gdFrame{flex:1;border:0;height:calc(100vh - 42px);background:#fff}
.frame{padding:12px 16px;background:#fff}.crumb{color:#678;margin-bottom:10px}
.gd-table{border-collapse:collapse;width:100%}.gd-table th,.gd-table td{border:1px solid #d5dbe5;padding:5px 7px;text-align:left}
.gd-table th{background:#eef3fa}.empty{color:#999;text-align:center}
.pager{margin-top:10px;color:#456}.pager a{margin-left:8px}.pager .off{margin-left:8px;color:#bbb}
.card{border:1px solid #dde3ec;border-radius:4px;margin:10px 0;padding:6px 12px}.card h3{font-size:15px;margin:6px 0}
.gd-info{display:grid;grid-template-columns:90px 1fr 90px 1fr;gap:6px 10px;margin:4px 0}
.gd-info dt{color:#567;text-align:right}.gd-info dd{margin:0}.gd-content{grid-template-columns:90px 1fr}
.gd-content dd{white-space:pre-wrap;line-height:1.6}.size{color:#888}
.ops{margin:6px 0}.ops a{margin-left:10px}.hl-msg{background:#eaf7ea;border:1px solid #9c9;padding:6px 10px}
.gd-mask{position:fixed;inset:0;background:rgba(0,0,0,.35);display:flex;align-items:center;justify-content:center}
.gd-mask[hidden]{display:none}.gd-dialog{background:#fff;padding:14px 20px;border-radius:5px;width:420px}
.gd-dialog-title{font-weight:bold;margin-bottom:8px}.gd-dialog textarea{width:100%;margin-bottom:8px}
.hl-cards{display:flex;gap:16px}.hl-stat{border:1px solid #dde;padding:12px 20px}.hl-stat b{font-size:22px;color:#0b5cad;display:block}
.hl-error h2{color:#c00}.code{color:#999}"""
