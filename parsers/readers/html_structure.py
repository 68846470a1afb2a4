"""Agenda items from the structure of a published HTML page, before any text is read.

Minutes systems publish each item as an element: FirstAgenda a table row with the number in a label
and the title in a heading, others a `div` per item, municipal sites a numbered heading. Flattened to
text, such a row is one long line and no item is found; read as a tree, the row says plainly where
an item starts, what its number, title and case number are. Which system made a page, and where it
keeps these, is data (`parsers/patterns/systems.yaml`); pages no system claims get the generic path:
numbered headings at one level, or headings opening the entries of a numbered list.

The findings are written onto the tree as `data-ms-*` attributes on the title element, so the reader
that walks the tree emits the item's line with its mark in its place; the number label is skipped.
Also here: which elements a reader never shows (chrome, hidden elements, dialogs), since both the
walk and the item search must agree on what is visible.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from selectolax.lexbor import LexborNode as Node

from parsers.profiles import CASE_NUMBER, CLOSED
from parsers.split import section_kind

_SYSTEMS_FILE = Path(__file__).resolve().parent.parent / "patterns" / "systems.yaml"

# never text: code, machinery, forms and the page's own navigation
DROP_TAGS = {
    "script", "style", "noscript", "head", "template", "svg", "nav", "form", "input", "select", "textarea",
    "option", "dialog", "iframe", "object", "canvas", "map", "menu", "datalist",
}
_DROP_ROLES = {"dialog", "alertdialog", "menu", "menubar", "navigation", "search", "tooltip", "banner",
               "contentinfo"}
_MODAL_CLASSES = {"modal", "modal-dialog", "dropdown-menu", "skip-link", "breadcrumb", "breadcrumbs", "offcanvas",
                  "popover", "tooltip"}
_DROP_CLASSES = {"sr-only", "visually-hidden", "d-none", "hidden", "hide"}
_PANEL = re.compile(r"collaps|accordion|panel|details|expand|fold|toggle", re.I)
_COOKIE = re.compile(r"cookie|consent|gdpr|cky-|onetrust", re.I)
_NOT_SHOWN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_CONTENT_ANCESTORS = {"article", "main", "section", "td", "th"}


@lru_cache(maxsize=1)
def systems() -> dict[str, Any]:
    return yaml.safe_load(_SYSTEMS_FILE.read_text("utf-8"))


def dropped(node: Node) -> bool:
    """An element a reader never shows: chrome, hidden, a dialog, a cookie banner, a bare button."""
    tag = node.tag
    if tag in DROP_TAGS:
        return True
    attrs = node.attributes
    if not attrs and tag not in ("header", "footer", "button"):
        return False
    if attrs.get("aria-modal") == "true" or (attrs.get("role") or "").lower() in _DROP_ROLES:
        return True
    classes = set((attrs.get("class") or "").split())
    if classes & _MODAL_CLASSES:
        return True
    if _COOKIE.search(attrs.get("id") or "") or any(_COOKIE.search(c) for c in classes):
        return True
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or classes & _DROP_CLASSES \
            or _NOT_SHOWN.search(attrs.get("style") or ""):
        # hidden, unless it is the folded panel of an accordion: the item's body, shown on a click
        return "data-ms-panel" not in attrs and not any(_PANEL.search(c) for c in classes)
    if tag == "button" or attrs.get("role") == "button" or tag == "a" and classes & {"btn", "button"}:
        # a control's caption ("Send", "Luk", a `PDF` badge), unless it carries a title: a heading inside
        # (FirstAgenda), or it is the toggle of a disclosure (`<h2><button aria-expanded>3. Titel`)
        if "aria-expanded" in attrs or "aria-controls" in attrs or _in_heading(node):
            return False
        return not _holds(node, "h1, h2, h3, h4, h5, h6, [data-ms-item]")
    if tag in ("header", "footer"):  # the page's masthead and footer, not an article's own header
        parent = node.parent
        while parent is not None and parent.tag not in ("body", "html"):
            if parent.tag in _CONTENT_ANCESTORS:
                return False
            parent = parent.parent
        return True
    return False


def _holds(node: Node, selector: str) -> bool:
    """A descendant matches (lexbor's `css` also matches the node itself)."""
    return any(found.mem_id != node.mem_id for found in node.css(selector))


def _in_heading(node: Node) -> bool:
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return False
        if parent.tag in _HEADINGS or parent.tag == "summary" or parent.attributes.get("role") == "heading":
            return True
        parent = parent.parent
    return False


def _visible(node: Node) -> bool:
    current: Node | None = node
    while current is not None and current.tag not in ("body", "html"):
        if current.tag != "button" and dropped(current):
            return False
        current = current.parent
    return True


def _text(node: Node) -> str:
    return " ".join(node.text(separator=" ").split())


def _first(node: Node, selector: str | None) -> Node | None:
    """The first element the first matching selector of a comma list finds: the list is in order of
    preference (`.punktoverskrift, h2`: the classed title before any heading)."""
    for one in (selector or "").split(","):
        try:
            found = node.css_first(one.strip()) if one.strip() else None
        except Exception:  # a selector lexbor cannot parse: the profile is wrong, the page is not
            found = None
        if found is not None:
            return found
    return None


def _select(tree: HTMLParser, selector: str) -> list[Node]:
    try:
        return list(tree.css(selector))
    except Exception:
        return []


def _outermost(nodes: list[Node]) -> list[Node]:
    ids = {n.mem_id for n in nodes}
    out = []
    for node in nodes:
        parent = node.parent
        nested = False
        while parent is not None:
            if parent.mem_id in ids:
                nested = True
                break
            parent = parent.parent
        if not nested:
            out.append(node)
    return out


def _number_pattern() -> re.Pattern[str]:
    return re.compile(systems()["generic"]["heading_number"], re.I)


def _case(text: str) -> str | None:
    m = CASE_NUMBER.search(text)
    if not m:
        return None
    value = m.group("sagsnr") or m.group("emn") or m.group("kle")
    return " ".join(value.split()).rstrip(".") if value else None  # `Sagsnr.: 25/1. Sagen …`


def _mark(title_node: Node, number: str, title: str, case: str | None, closed: bool, evidence: str) -> None:
    attrs = title_node.attrs
    attrs["data-ms-item"] = number
    attrs["data-ms-title"] = title
    attrs["data-ms-evidence"] = evidence
    if case:
        attrs["data-ms-case"] = case
    if closed:
        attrs["data-ms-closed"] = "1"


def _detect(tree: HTMLParser, html: str) -> list[tuple[str, dict[str, Any]]]:
    """Systems whose markers or fingerprint the page shows, in the data file's order."""
    found = []
    for name, system in systems()["systems"].items():
        if any(re.search(marker, html, re.I) for marker in system.get("markers") or []) or any(
                _select(tree, selector) for selector in system.get("fingerprint") or []):
            found.append((name, system))
    return found


def _system_items(tree: HTMLParser, name: str, system: dict[str, Any]) -> int:
    """Mark the items of one system's item elements; how many were marked."""
    containers = [n for n in _outermost(_select(tree, system["item"])) if _visible(n)]
    pattern = _number_pattern()
    found: list[tuple[Node, Node | None, str | None, str, str | None, bool]] = []
    for container in containers:
        title_node = _first(container, system.get("title"))
        if title_node is None:
            continue
        title = _text(title_node)
        number_node = _first(container, system.get("number"))
        number = _text(number_node) if number_node is not None else ""
        number = re.sub(r"^(?:Punkt|Pkt\.?)\s*|[.:)]$", "", number.strip(), flags=re.I).strip()
        m = pattern.match(title)
        if m and (not number or m.group(1) == number):
            number, title = m.group(1), m.group(2)
        if not title or not re.fullmatch(r"\d{1,4}[a-z]?", number or "x"):
            number = ""
        case_node = _first(container, system.get("case_number"))
        case = None
        if case_node is not None:
            raw = _text(case_node)
            case = _case(raw) or (raw if re.search(r"\d", raw) and len(raw) < 40 else None)
        if case is None:
            case = _case(_text(container)[:400])
        closed = _first(container, system.get("closed")) is not None or bool(CLOSED.match(title))
        found.append((title_node, number_node, number or None, title, case, closed))
    if not found or len(found) == 1 and not found[0][4]:
        return 0  # one element with no case number is not evidence of an agenda
    numbered = sum(1 for f in found if f[2])
    cased = sum(1 for f in found if f[4])
    if 2 * max(numbered, cased) < len(found):
        return 0  # elements that neither count nor carry case numbers (a list of meetings, news) are not items
    for k, (title_node, number_node, number, title, case, closed) in enumerate(found):
        _mark(title_node, number or str(k + 1), title, case, closed, f"structure:{name}")
        if number_node is not None and number_node.mem_id != title_node.mem_id:
            number_node.attrs["data-ms-skip"] = "1"
    return len(found)


def _rising(found: list[tuple[int, Any]]) -> list[int]:
    """Indexes of the longest run of numbers that rises by small steps (drops a stray `2026 Budget`)."""
    best: list[list[int]] = []
    for k, (number, _) in enumerate(found):
        chain = [k]
        for j in range(k):
            if 0 < number - found[j][0] <= 3 and len(best[j]) + 1 > len(chain):
                chain = best[j] + [k]
        best.append(chain)
    return max(best, key=len, default=[])


_CANDIDATES = "h1, h2, h3, h4, h5, h6, summary, dt, [role=heading]"


def _level(node: Node) -> int:
    """Headings group by level; a disclosure's summary, a definition term and an ARIA heading by their own."""
    if node.tag in _HEADINGS:
        return _HEADINGS[node.tag]
    if node.tag in ("summary", "dt"):
        return 7 if node.tag == "summary" else 8
    level = node.attributes.get("aria-level") or ""
    return 10 + (int(level) if level.isdigit() else 0)


def _number_before(node: Node) -> Node | None:
    """`<span class="nr">3.</span><h2>Titel</h2>`: the item number set just before its heading."""
    prev = node.prev
    while prev is not None and prev.tag == "-text" and not (prev.text_content or "").strip():
        prev = prev.prev
    if prev is not None and prev.tag != "-text" and re.fullmatch(r"(?:Punkt\s+)?\d{1,4}\.?", _text(prev), re.I):
        return prev
    return None


def _generic_headings(tree: HTMLParser) -> int:
    pattern = _number_pattern()
    by_level: dict[int, list[tuple[int, tuple[Node, str, str, Node | None]]]] = {}
    for node in tree.css(_CANDIDATES):
        text = _text(node)
        m = pattern.match(text)
        before = None
        if not m and (before := _number_before(node)) is not None:
            m = pattern.match(f"{_text(before)} {text}")
        if not m or not m.group(2)[:1].isupper() or len(text) > 250 or section_kind(m.group(2)) \
                or _holds(node, _CANDIDATES) or not _visible(node):
            continue  # "2. Beslutning" is a section; a summary holding a heading is that heading's
        by_level.setdefault(_level(node), []).append((int(m.group(1)), (node, m.group(1), m.group(2), before)))
    best: list[tuple[Node, str, str, Node | None]] = []
    for found in by_level.values():
        chain = [found[k][1] for k in _rising(found)]
        if len(chain) > len(best):
            best = chain
    if len(best) < systems()["generic"]["min_headings"]:
        return 0
    for node, number, title, before in best:
        _mark(node, number, title, None, bool(CLOSED.match(title)), "structure:generic-heading")
        if before is not None:
            before.attrs["data-ms-skip"] = "1"
    return len(best)


def list_numbers(entries: list[Node], start: int) -> list[int]:
    """The numbers a browser shows before the entries of an `ol`: counting from `start`, and from an
    entry's own `value` where it has one."""
    out, n = [], start
    for li in entries:
        value = (li.attributes.get("value") or "").strip()
        n = int(value) if value.isdigit() else n
        out.append(n)
        n += 1
    return out


def _generic_list(tree: HTMLParser) -> int:
    """`<ol><li><h3>Titel</h3> …</li>`: a numbered list whose entries open with a heading."""
    for ol in tree.css("ol"):
        if not _visible(ol):
            continue
        start = int(ol.attributes.get("start") or 1) if (ol.attributes.get("start") or "1").isdigit() else 1
        entries = [li for li in ol.iter() if li.tag == "li" and not dropped(li)]
        heads = []
        for li in entries:
            first = next((c for c in li.iter() if c.tag != "-text"), None)
            if first is None or first.tag not in _HEADINGS:
                break
            heads.append(first)
        if len(heads) >= 2 and len(heads) == len(entries):
            for head, number in zip(heads, list_numbers(entries, start), strict=True):
                title = _text(head)
                _mark(head, str(number), title, None, bool(CLOSED.match(title)), "structure:generic-list")
            return len(heads)
    return 0


def mark_panels(tree: HTMLParser) -> None:
    """Mark the panels that disclosure toggles open (`aria-controls`, `data-target`, `href="#id"`): a page
    saved with its accordions folded hides each item's body with `display:none` or `aria-hidden`, yet it
    is the item's text, not chrome."""
    targets: set[str] = set()
    for toggle in tree.css("[aria-controls], [data-target], [data-bs-target], [data-toggle], [data-bs-toggle]"):
        attrs = toggle.attributes
        for value in (attrs.get("aria-controls"), attrs.get("data-target"), attrs.get("data-bs-target"),
                      attrs.get("href")):
            for ref in (value or "").split():
                targets.add(ref.lstrip("#"))
    if not targets:
        return
    for node in tree.css("[id]"):
        if node.attributes.get("id") in targets and (node.attributes.get("role") or "") not in _DROP_ROLES \
                and not set((node.attributes.get("class") or "").split()) & _MODAL_CLASSES:
            node.attrs["data-ms-panel"] = "1"


def mark_items(tree: HTMLParser, html: str, scope: Node | None = None) -> str | None:
    """Find the page's items from its structure (within `scope`, the part of the page that is read) and mark
    their title elements; the evidence, or None."""
    mark_panels(tree)
    root: Any = scope if scope is not None else tree
    for name, system in _detect(root, html):
        if _system_items(root, name, system):
            return f"structure:{name}"
    if _generic_headings(root):
        return "structure:generic-heading"
    if _generic_list(root):
        return "structure:generic-list"
    return None
