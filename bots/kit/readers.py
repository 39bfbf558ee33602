"""Label-driven page readers shared by every site: a table found by its header words, and
values found by the words before them (th, dt or label, then the next element). Each site
passes its own labels; the JavaScript knows no site's words."""

from __future__ import annotations

LIST_JS = """(spec) => {
  const norm = s => (s || '').replace(/[\\s:：⇅▲▼↑↓]/g, '');
  for (const t of document.querySelectorAll('table')) {
    const head = t.querySelector('thead tr') || t.querySelector('tr');
    if (!head) continue;
    const heads = [...head.children].map(c => norm(c.textContent));
    const idx = {};
    for (const [key, names] of Object.entries(spec)) {
      const i = heads.findIndex(h => names.includes(h)); if (i >= 0) idx[key] = i;
    }
    if (!('ref' in idx)) continue;
    const rows = [];
    for (const tr of t.querySelectorAll('tbody tr')) {
      const cells = [...tr.children];
      if (cells.length < heads.length) continue;
      const r = {};
      for (const [k, i] of Object.entries(idx)) r[k] = cells[i].textContent;
      const a = tr.querySelector('a[href]'); r.href = a ? a.href : '';
      rows.push(r);
    }
    return {found: true, rows: rows, text: document.body.innerText};
  }
  return {found: false, rows: [], text: document.body ? document.body.innerText : ''};
}"""


DETAIL_JS = """(spec) => {
  // spec.html: parse fetched HTML with the browser's parser, inert (no scripts, no subresources);
  // otherwise read the page that is loaded.
  const doc = spec.html != null ? new DOMParser().parseFromString(spec.html, 'text/html') : document;
  const norm = s => (s || '').replace(/[\\s:：]/g, '');
  const want = new Map();
  for (const [key, names] of Object.entries(spec.fields)) for (const n of names) if (!want.has(n)) want.set(n, key);
  const fields = {}, attachments = [];
  for (const el of doc.querySelectorAll('th, dt, label')) {
    const key = want.get(norm(el.textContent));
    const value = el.nextElementSibling;
    if (!key || !value || key in fields) continue;
    if (key === 'attachments') {
      fields[key] = '';
      for (const a of value.querySelectorAll('a[href]')) attachments.push({name: a.textContent, href: a.getAttribute('href')});
    } else {
      fields[key] = value.textContent;
    }
  }
  let petitioners = [], petitionerTable = false;
  for (const t of doc.querySelectorAll('table')) {
    const head = t.querySelector('thead tr') || t.querySelector('tr');
    if (!head) continue;
    const heads = [...head.children].map(c => norm(c.textContent));
    const idx = {};
    for (const [key, names] of Object.entries(spec.people)) {
      const i = heads.findIndex(h => names.includes(h)); if (i >= 0) idx[key] = i;
    }
    if (!('name' in idx)) continue;
    petitionerTable = true;
    for (const tr of t.querySelectorAll('tbody tr')) {
      const cells = [...tr.children]; if (cells.length < heads.length) continue;
      const p = {}; for (const [k, i] of Object.entries(idx)) p[k] = cells[i].textContent;
      petitioners.push(p);
    }
  }
  return {fields, attachments, petitioners, petitionerTable};
}"""
