"""Which municipality (or region) a document belongs to, as the official name and code.

Goal series are built per municipality, so two spellings of one council (`Norrdjurs Kommune`
printed by mistake, `Grenaa Kommune` in an archive from before the 2007 reform, `Århus` beside
`Aarhus`) must land on one identity. The names, codes, name forms and the 2006 → 2007 successors
live in `parsers/patterns/municipalities.yaml`; this module only matches against them.

Sources, strongest first: what the text says about itself (`X Kommune`, `Region X`, `X Byråd`,
`Byrådet i X`), the municipality's web or mail domain (`anwof@fmk.dk`), the archive's own naming
(a folder or a file name that begins with the municipality), and last a name the text repeats.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path, PurePath

import yaml
from rapidfuzz.distance import OSA

_DATA = Path(__file__).parent / "patterns" / "municipalities.yaml"


@dataclass(frozen=True)
class Place:
    """A canonical municipality or region: `kind` is `municipality` or `region`."""

    code: int
    name: str
    kind: str


@dataclass(frozen=True)
class Found:
    """A canonical place and the name as the document printed it (`Norrdjurs Kommune`)."""

    place: Place
    printed: str


def key(name: str) -> str:
    """One spelling for the forms a name takes: case, `å`/`aa`, hyphen or space, a final period."""
    s = unicodedata.normalize("NFC", name).casefold().replace("å", "aa")
    return " ".join(re.sub(r"[-‐–.]", " ", s).split())


def slug(name: str) -> str:
    """The ASCII spelling web domains and file names use: `Holbæk` → `holbaek`."""
    s = key(name).replace("æ", "ae").replace("ø", "oe").replace("é", "e")
    return re.sub(r"[^a-z0-9]", "", s)


@dataclass(frozen=True)
class _Tables:
    exact: dict[str, Place]         # key of every form (new, regional, former) → place
    fuzzy: dict[str, Place]         # keys a typo may be measured against (names, not short forms)
    domains: dict[str, Place]       # second-level domain label → place
    slugs: dict[str, Place]         # file-name slug of each current name → place
    bare: dict[str, Place]          # current names a text may repeat without `Kommune`
    cues: dict[str, re.Pattern[str]]
    stop: frozenset[str]
    fuzzy_min: int


@cache
def _tables() -> _Tables:
    data = yaml.safe_load(_DATA.read_text(encoding="utf-8"))
    exact: dict[str, Place] = {}
    fuzzy: dict[str, Place] = {}
    domains: dict[str, Place] = {}
    slugs: dict[str, Place] = {}
    bare: dict[str, Place] = {}
    by_name: dict[str, Place] = {}
    for m in data["municipalities"]:
        place = Place(int(m["code"]), m["name"], "municipality")
        by_name[m["name"]] = place
        for form in [m["name"], *m.get("forms", [])]:
            exact[key(form)] = place
        fuzzy[key(m["name"])] = place
        slugs[slug(m["name"])] = place
        for d in m.get("domains", []):
            domains[d.split(".")[-2]] = place
        domains.setdefault(slug(m["name"]), place)
        if m["name"] not in data["ambiguous_bare"]:
            bare[m["name"]] = place
    for r in data["regions"]:
        place = Place(int(r["code"]), r["name"], "region")
        for form in [r["name"], *r.get("forms", [])]:
            exact[key(form)] = place
        slugs[slug(r["name"])] = place
        for d in r.get("domains", []):
            domains[d.split(".")[-2]] = place
    for old in [*data["former"], *data["earlier"]]:
        place = by_name[old["successor"]]
        for form in [old["name"], *old.get("forms", [])]:
            exact.setdefault(key(form), place)
        fuzzy.setdefault(key(old["name"]), place)
    cues = {name: re.compile(rx) for name, rx in data["cues"].items()}
    return _Tables(exact, fuzzy, domains, slugs, bare, cues, frozenset(key(w) for w in data["not_names"]),
                   int(data["fuzzy_min_length"]))


@lru_cache(maxsize=8192)
def canonical(name: str) -> Place | None:
    """The place a printed name means (`Norddjurs`, `Norddjurs Kommunes`, `Grenaa`, `Norrdjurs`), or None.

    A typo resolves only when the name is long enough that one edit (two from ten letters) cannot
    turn one real name into another, and only when a single place is that close.
    """
    t = _tables()
    k = key(re.sub(r"\s+(?:Regions)?[Kk]ommunes?$", "", name.strip()))
    if not k or k in t.stop:
        return None
    for cand in (k, k[:-1] if k.endswith("s") else None):
        if cand and cand in t.exact:
            return t.exact[cand]
    if len(k) < t.fuzzy_min:
        return None
    limit = 1 if len(k) < 10 else 2
    best: dict[Place, int] = {}
    for form, place in t.fuzzy.items():
        if abs(len(form) - len(k)) > limit:
            continue
        d = OSA.distance(k, form, score_cutoff=limit)
        if d <= limit:
            best[place] = min(d, best.get(place, d))
    if not best:
        return None
    top = min(best.values())
    winners = [p for p, d in best.items() if d == top]
    return winners[0] if len(winners) == 1 else None


def is_place_name(text: str) -> bool:
    """`Aarhus`, `Region Midtjylland`: the text is a municipality's or region's name form and nothing else."""
    t = _tables()
    k = key(text.strip())
    return k in t.exact and k not in t.stop


def _from_cues(text: str) -> list[tuple[Found, float, int]]:
    """Every `X Kommune`, `Region X`, `X Byråd`, `Byrådet i X` with its weight.

    A genitive (`Region Syddanmarks kvartalsrapport`) cites another body more often than it names
    the author, so it weighs half; a mention in the first lines (the letterhead) weighs double.
    """
    t = _tables()
    out: list[tuple[Found, float, int]] = []
    for cue, rx in t.cues.items():
        for m in rx.finditer(text):
            raw = m.group("name")
            words = raw.split()
            place = None
            for start in range(len(words)):  # `Referat Norddjurs Kommune`: the name is the tail
                place = canonical(" ".join(words[start:]))
                if place:
                    break
            if place is None:
                continue
            if cue == "region" and place.kind != "region":
                continue
            weight = (0.5 if m.group("gen") else 1.0) * (2 if m.start() < _HEAD else 1)
            out.append((Found(place, " ".join(m.group(0).split())), weight, m.start()))
    return out


_HEAD = 400  # characters of letterhead: a name there weighs double

_DOMAIN = re.compile(r"(?:https?://|www\.|@|\b)(?:[\w-]+\.)*?(?P<label>[\w-]+)\.dk\b", re.I)


def _from_domains(text: str) -> Found | None:
    t = _tables()
    counts: Counter[Place] = Counter()
    printed: dict[Place, str] = {}
    for m in _DOMAIN.finditer(text):
        label = m.group("label").casefold()
        place = t.domains.get(label) or t.domains.get(label.removesuffix("kommune"))
        if place:
            counts[place] += 1
            printed.setdefault(place, m.group(0).lstrip("@/:"))
    if not counts:
        return None
    place = counts.most_common(1)[0][0]
    return Found(place, printed[place])


def _from_path(path: str | None) -> Found | None:
    """`koebenhavn_biu-2017-….txt`, `…/edoc_ballerup_sfu/…` or `…/Aarhus/2024/referat.pdf`: archives
    file by municipality. The file name's first word counts; in folder names any word does, except
    names that are also ordinary words."""
    if not path:
        return None
    t = _tables()
    p = PurePath(path)
    tokens = [(re.split(r"[_\s]", p.stem)[0], True)]
    for part in reversed(p.parts[:-1]):
        tokens += [(part, True)] + [(tok, False) for tok in re.split(r"[_\s]", part) if tok != part]
    for tok, whole in tokens:
        place = t.slugs.get(slug(tok)) or t.slugs.get(slug(tok).removesuffix("kommune"))
        if place and (whole or place.name in t.bare):
            return Found(place, tok)
    return None


def _from_bare(text: str) -> Found | None:
    """A current name the text repeats (twice at least), for pages that never say `Kommune`."""
    t = _tables()
    counts: Counter[str] = Counter()
    for name in t.bare:
        n = len(re.findall(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text))
        if n >= 2:
            counts[name] = n
    if not counts:
        return None
    name = counts.most_common(1)[0][0]
    return Found(t.bare[name], name)


def _unlisted(text: str) -> bool:
    """The text names its council as `X Kommune` with an X not on the list (a fictional or foreign one)."""
    rx = _tables().cues["kommune"]
    return any(canonical(m.group("name").split()[-1]) is None and key(m.group("name").split()[-1]) not in
               _tables().stop for m in rx.finditer(text))


def _from_site(site: dict[str, str]) -> list[tuple[Found, float, int]]:
    """The publisher a web page names outside its text (`RawDocument.site`): `X Kommune` in its title, site
    name, logo's alt text, masthead or footer, its own web domain, the logo's file name (`randers_logo.png`).
    Each counts as a letterhead mention: a site publishes its own municipality's minutes."""
    named = "\n".join(site.get(k, "") for k in ("title", "site", "logo", "masthead", "footer"))
    out = [(f, 2.0, 0) for f, _, _ in _from_cues(named)]
    if not out:  # `Økonomiudvalget | Aarhus`: a title part that is a place's name and nothing else
        t = _tables()
        for part in re.split(r"\s+[|–-]\s+|\n", named):
            place = t.exact.get(key(part.strip()))
            if place and key(part) not in t.stop:
                out.append((Found(place, part.strip()), 2.0, 0))
    domain = _from_domains(site.get("url", "")) or _from_domains(named)
    if domain:
        out.append((domain, 2.0, 0))
    if not out:
        for name in site.get("logo", "").split(" | "):
            found = _from_path(name) if "." in name else None
            if found:
                out.append((found, 2.0, 0))
                break
    return out


def detect(text: str, path: str | None = None, extra: list[str] | None = None,
           site: dict[str, str] | None = None) -> Found | None:
    """The document's own municipality, else its region, else None.

    `extra` are strings that name the author (the meeting's body, `Aarhus Byråd`) and count as a
    letterhead mention, as does what a web page's title, address and logo say (`site`). A region wins
    over municipalities only when it is named more, and at least twice: regional minutes name their
    region throughout, while a municipality's minutes cite the region now and then; and never when the
    letterhead names a municipality first.
    """
    found = _from_cues("\n".join(extra or []) + "\n" + text if extra else text)
    if site:
        found = _from_site(site) + found
    muni: Counter[Place] = Counter()
    regs: Counter[Place] = Counter()
    printed: dict[Place, Counter[str]] = {}
    for f, w, _ in found:
        (regs if f.place.kind == "region" else muni)[f.place] += w
        printed.setdefault(f.place, Counter())[f.printed] += 1

    def pick(counts: Counter[Place]) -> Found:
        place = counts.most_common(1)[0][0]
        return Found(place, printed[place].most_common(1)[0][0])

    top_m = muni.most_common(1)[0][1] if muni else 0.0
    first = min(found, key=lambda x: x[2], default=None)
    headed = first is not None and first[2] < _HEAD and first[0].place.kind == "municipality"
    if regs and not headed and regs.most_common(1)[0][1] >= 2 and regs.most_common(1)[0][1] > top_m:
        return pick(regs)
    if muni:
        return pick(muni)
    return (_from_domains(text) or _from_path(path) or (None if _unlisted(text) else _from_bare(text))
            or (pick(regs) if regs else None))


def printed_in_text(found: Found, text: str) -> str | None:
    """The printed form when the document printed it (a file name found is not something it printed)."""
    return found.printed if found.printed in text or found.printed.casefold() in text.casefold() else None
