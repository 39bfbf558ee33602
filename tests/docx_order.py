"""Checks a .docx against the element order of the WordprocessingML schema (ECMA-376).

Word refuses or "repairs" a document whose elements come in another order than the schema's
sequences (``w:jc`` before ``w:ind`` in a paragraph's properties, ``w:kern`` after ``w:sz`` in a
run's, ``w:evenAndOddHeaders`` before ``w:defaultTabStop`` in the settings); LibreOffice and
python-docx read such files without a word, so only a check like this one catches it.

Every WordprocessingML part of the package is checked (document, styles, settings, headers,
footers, numbering, font table, notes, comments): each element's children in the ``w`` namespace
must be known for its type and come in the schema's order. Markup-compatibility wrappers and
other namespaces' elements are not checked. ``tests/conftest.py`` runs this on every .docx the
test suite writes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from tests.docx_order_table import ROOTS, TYPES

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAIN = ("application/vnd.openxmlformats-officedocument.wordprocessingml.",)


def _wml_parts(z: zipfile.ZipFile) -> list[str]:
    """Part names whose content type is a WordprocessingML part (by [Content_Types].xml)."""
    ct = etree.fromstring(z.read("[Content_Types].xml"))
    ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    defaults = {d.get("Extension"): d.get("ContentType") for d in ct.iter(f"{ns}Default")}
    overrides = {o.get("PartName").lstrip("/"): o.get("ContentType") for o in ct.iter(f"{ns}Override")}
    parts = []
    for name in z.namelist():
        kind = overrides.get(name) or defaults.get(name.rsplit(".", 1)[-1], "")
        if kind.startswith(_MAIN) and kind.endswith("+xml"):
            parts.append(name)
    return parts


def _check(el: etree._Element, typ: str, where: str, out: list[str]) -> None:
    rules = TYPES.get(typ)
    if rules is None:
        return
    last, last_name = -1, ""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        qn = etree.QName(child)
        if qn.namespace != W:
            continue  # mc:AlternateContent, w14:*, math: other schemas
        options = rules.get(qn.localname)
        path = f"{where}/w:{qn.localname}"
        if options is None:
            out.append(f"{where}: <w:{qn.localname}> is not allowed in {typ}")
            continue
        fits = [(rank, t) for rank, t in options if rank >= last]
        if not fits:
            out.append(f"{where}: <w:{qn.localname}> must come before <w:{last_name}> ({typ})")
            rank, child_type = options[0]
        else:
            rank, child_type = min(fits)
            last, last_name = rank, qn.localname
        _check(child, child_type, path, out)


def violations(path: Path) -> list[str]:
    """Element-order problems of one .docx ("part: where: what"); empty when the file is fine."""
    out: list[str] = []
    with zipfile.ZipFile(path) as z:
        for name in _wml_parts(z):
            root = etree.fromstring(z.read(name))
            qn = etree.QName(root)
            typ = ROOTS.get(qn.localname) if qn.namespace == W else None
            if typ is None:
                out.append(f"{name}: unknown root <{root.tag}>")
                continue
            found: list[str] = []
            _check(root, typ, f"w:{qn.localname}", found)
            out += [f"{name}: {f}" for f in found]
    return out
