"""The 待签收 / 待办理 lists: an HTML shell whose table is filled by JavaScript from a JSON
endpoint, paged and sortable, as the real system does (the robot must wait for the render)."""

from __future__ import annotations

import json
from typing import Any

from petitionbot.sim import dataset as ds
from petitionbot.sim.layouts import Layout
from petitionbot.sim.views_auth import shell

TITLES = {"sign": "待签收", "handle": "待办理"}

_V1_JS = """
(function(){
  var st = {page:1, size:10, sort:'assigned_on', order:'desc'};
  var cols = %(cols)s, type = %(type)s, api = %(api)s, detail = %(detail)s, login = %(login)s;
  var tbody = document.querySelector('#todoTable tbody'), info = document.getElementById('pagerInfo');
  function cell(tr, text){ var td = document.createElement('td'); td.textContent = text; tr.appendChild(td); return td; }
  function load(){
    tbody.innerHTML = '<tr><td colspan="8" class="loading">加载中…</td></tr>';
    document.getElementById('errBox').textContent = '';
    var q = '?type=' + type + '&page=' + st.page + '&size=' + st.size + '&sort=' + st.sort + '&order=' + st.order;
    fetch(api + q, {credentials:'same-origin', headers:{'X-Requested-With':'XMLHttpRequest'}}).then(function(r){
      if (r.status === 401) { top.location.href = login + '?expired=1'; return null; }
      if (!r.ok) { throw new Error(r.status === 429 ? '访问过于频繁，请稍后再试（429）' : '系统繁忙，请稍后再试（' + r.status + '）'); }
      return r.json();
    }).then(function(j){
      if (!j) return;
      tbody.innerHTML = '';
      j.rows.forEach(function(row, i){
        var tr = document.createElement('tr'); tr.className = 'row';
        cell(tr, (st.page - 1) * st.size + i + 1);
        cols.forEach(function(c){
          var td = cell(tr, c === 'ref' ? '' : (row[c] == null ? '' : String(row[c])));
          if (c === 'ref') { var a = document.createElement('a'); a.href = detail + '?ref=' + encodeURIComponent(row.ref); a.target = '_blank'; a.textContent = row.ref; td.appendChild(a); }
        });
        tbody.appendChild(tr);
      });
      var pages = Math.max(1, Math.ceil(j.total / st.size));
      info.textContent = '第 ' + st.page + '/' + pages + ' 页，共 ' + j.total + ' 条';
      document.getElementById('btnPrev').disabled = st.page <= 1;
      document.getElementById('btnNext').disabled = st.page >= pages;
    }).catch(function(e){ tbody.innerHTML = ''; document.getElementById('errBox').textContent = e.message; });
  }
  document.getElementById('pageSize').onchange = function(){ st.size = +this.value; st.page = 1; load(); };
  document.getElementById('btnPrev').onclick = function(){ st.page--; load(); };
  document.getElementById('btnNext').onclick = function(){ st.page++; load(); };
  document.querySelectorAll('th[data-sort]').forEach(function(th){ th.onclick = function(){
    var k = th.getAttribute('data-sort'); st.order = (st.sort === k && st.order === 'desc') ? 'asc' : 'desc'; st.sort = k; st.page = 1; load(); }; });
  load();
})();
"""

_V2_JS = """
(function(){
  var pageNo = 1, pageSize = 10, orderBy = 'jbrq', orderDir = 'desc';
  var keys = %(cols)s, lx = %(type)s, api = %(api)s, view = %(detail)s, login = %(login)s;
  var body = document.querySelector('.xf-grid-body'), pager = document.querySelector('.xf-pager-text');
  function query(){
    body.innerHTML = '<tr><td colspan="7" class="xf-loading">数据加载中…</td></tr>';
    document.querySelector('.xf-alert').textContent = '';
    var xhr = new XMLHttpRequest();
    xhr.open('GET', api + '?lx=' + lx + '&pageNo=' + pageNo + '&pageSize=' + pageSize + '&orderBy=' + orderBy + '&orderDir=' + orderDir);
    xhr.onload = function(){
      if (xhr.status === 401) { top.location.href = login + '?expired=1'; return; }
      if (xhr.status !== 200) { body.innerHTML = ''; document.querySelector('.xf-alert').textContent = xhr.status === 429 ? '请求过于频繁（429）' : '服务器异常（' + xhr.status + '）'; return; }
      var d = JSON.parse(xhr.responseText).data; body.innerHTML = '';
      d.list.forEach(function(r, i){
        var tr = document.createElement('tr');
        var td0 = document.createElement('td'); td0.textContent = (pageNo - 1) * pageSize + i + 1; tr.appendChild(td0);
        keys.forEach(function(k){
          var td = document.createElement('td');
          if (k === 'bt') { var a = document.createElement('a'); a.href = view + '?xfjbh=' + encodeURIComponent(r.xfjbh); a.target = '_blank'; a.textContent = r.bt == null ? '' : String(r.bt); td.appendChild(a); }
          else { td.textContent = r[k] == null ? '' : String(r[k]); }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      var pages = Math.max(1, Math.ceil(d.count / pageSize));
      pager.textContent = '共 ' + d.count + ' 条记录 第 ' + pageNo + ' / ' + pages + ' 页';
      document.querySelector('.pg-prev').classList.toggle('disabled', pageNo <= 1);
      document.querySelector('.pg-next').classList.toggle('disabled', pageNo >= pages);
      document.querySelector('.pg-next').dataset.last = pageNo >= pages ? '1' : '';
    };
    xhr.send();
  }
  document.querySelector('.xf-size').addEventListener('change', function(e){ pageSize = +e.target.value; pageNo = 1; query(); });
  document.querySelector('.pg-prev').addEventListener('click', function(e){ e.preventDefault(); if (pageNo > 1) { pageNo--; query(); } });
  document.querySelector('.pg-next').addEventListener('click', function(e){ e.preventDefault(); if (!this.dataset.last) { pageNo++; query(); } });
  document.querySelectorAll('.xf-grid-head th[data-k]').forEach(function(th){ th.addEventListener('click', function(){
    var k = th.dataset.k; orderDir = (orderBy === k && orderDir === 'desc') ? 'asc' : 'desc'; orderBy = k; pageNo = 1; query(); }); });
  query();
})();
"""

_V2_KEYS = {"ref": "xfjbh", "title": "bt", "form": "xs", "assigned_on": "jbrq", "due_on": "xbrq", "status": "zt"}
V2_SORT_KEYS = {"jbrq": "assigned_on", "xbrq": "due_on"}


def list_page(lay: Layout, which: str) -> str:
    title = TITLES[which]
    sizes = "".join(f'<option value="{n}">{n}</option>' for n in lay.page_sizes)
    if lay.name == "v1":
        heads = "".join(
            f'<th data-sort="{k}">{label} ⇅</th>' if k in ("assigned_on", "due_on") else f"<th>{label}</th>"
            for k, label in lay.list_cols
        )
        js = _V1_JS % {"cols": json.dumps([k for k, _ in lay.list_cols]), "type": json.dumps(which),
                       "api": json.dumps(lay.api), "detail": json.dumps(lay.detail), "login": json.dumps(lay.login)}
        body = (
            f'<h3 class="page-title">{title}</h3><div id="errBox" class="msg"></div>'
            f'<table id="todoTable" class="grid"><thead><tr><th>序号</th>{heads}</tr></thead><tbody></tbody></table>'
            f'<div class="pager">每页 <select id="pageSize">{sizes}</select> 条 <span id="pagerInfo"></span> '
            '<button id="btnPrev" type="button">上一页</button> <button id="btnNext" type="button">下一页</button></div>'
            f"<script>{js}</script>"
        )
    else:
        keys = [_V2_KEYS[k] for k, _ in lay.list_cols]
        heads = "".join(
            f'<th data-k="{_V2_KEYS[k]}">{label}</th>' if k in ("assigned_on", "due_on") else f"<th>{label}</th>"
            for k, label in lay.list_cols
        )
        js = _V2_JS % {"cols": json.dumps(keys), "type": json.dumps("dqs" if which == "sign" else "dbl"),
                       "api": json.dumps(lay.api), "detail": json.dumps(lay.detail), "login": json.dumps(lay.login)}
        body = (
            f'<div class="xf-crumb">当前位置：信访业务 &gt; {title}件</div><div class="xf-alert"></div>'
            f'<table class="xf-grid"><thead class="xf-grid-head"><tr><th>序号</th>{heads}</tr></thead>'
            '<tbody class="xf-grid-body"></tbody></table>'
            '<div class="xf-pager"><a href="#" class="pg-prev">上一页</a> <span class="xf-pager-text"></span> '
            f'<a href="#" class="pg-next">下一页</a> <label>每页显示 <select class="xf-size">{sizes}</select></label></div>'
            f"<script>{js}</script>"
        )
    return shell(title, body)


def api_json(lay_name: str, total: int, page: int, size: int, rows: list[dict[str, Any]]) -> dict[str, Any]:
    cols = ("ref", "title", "form", "assigned_on", "due_on", "status")
    if lay_name == "v1":
        return {"total": total, "page": page, "size": size,
                "rows": [{k: ds.text(r.get(k)) for k in cols} for r in rows]}
    return {"code": 0, "msg": "成功", "data": {"count": total, "list": [
        {_V2_KEYS[k]: ds.text(r.get(k)) for k in cols} for r in rows]}}
