"""Where a visitor is: a ZIP, a city (typos allowed) or a state, as a point.

Everything comes from the `zipcodes` package, which ships the US ZIP table,
so no request ever leaves the machine (no geocoding service sees where a
person is looking for addiction treatment).
"""

import math
import re
import statistics
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

import zipcodes
from rapidfuzz import fuzz, process

EARTH_RADIUS_MILES = 3958.8

STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "PR": "Puerto Rico",
}
_STATE_BY_NAME = {name.lower(): abbr for abbr, name in STATES.items()}
# Nicknames and abbreviations the ZIP table does not use. "New York" alone
# means the city far more often than the state when someone looks for a
# program nearby.
_CITY_ALIASES = {
    "nyc": "new york, ny",
    "new york city": "new york, ny",
    "new york": "new york, ny",
    "manhattan": "new york, ny",
    "philly": "philadelphia, pa",
    "vegas": "las vegas, nv",
    "dc": "washington, dc",
    "washington dc": "washington, dc",
    "washington d.c": "washington, dc",
}
_ABBREVIATIONS = ((r"\bst\.?\s", "saint "), (r"\bft\.?\s", "fort "), (r"\bmt\.?\s", "mount "))

ZIP_RE = re.compile(r"(?<!\d)(\d{5})(?:-\d{4})?(?!\d)")
# Words people put around a place name ("near Tampa", "in the Phoenix area").
_FILLER_RE = re.compile(
    r"^(?:(?:i\s*(?:'m|am)\s*|i\s*live\s*|we\s*(?:'re|are)\s*|located\s*)?"
    r"(?:near|in|around|close\s+to|by|at|from)\s+(?:the\s+)?)+|\s+(?:area|region|metro)$",
)


@dataclass(frozen=True)
class Place:
    """A resolved location. `kind` is zip, city or state; `label` is what we
    show back so the visitor can see (and correct) what we understood."""

    kind: str
    label: str
    state: str
    latitude: float
    longitude: float
    zip_code: Optional[str] = None


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def zip_info(zip_code: str) -> Optional[Dict]:
    """The zipcodes row for a 5-digit ZIP, or None when it does not exist."""
    if not re.fullmatch(r"\d{5}", zip_code or ""):
        return None
    try:
        rows = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    return rows[0] if rows else None


def place_for_zip(zip_code: str) -> Optional[Place]:
    row = zip_info(zip_code)
    if not row or not row.get("lat"):
        return None
    return Place(
        "zip",
        f"{row['city']}, {row['state']} {zip_code}",
        row["state"],
        float(row["lat"]),
        float(row["long"]),
        zip_code,
    )


@lru_cache(maxsize=1)
def _city_index() -> Tuple[
    Dict[Tuple[str, str], Tuple[str, float, float, int]],
    Dict[str, List[str]],
    Dict[str, Tuple[float, float]],
]:
    """(city, state) -> (display name, centroid lat, long, ZIP count);
    city -> states that have it; state -> centroid. Built once (about half a
    second) from the ZIP table. The ZIP count stands in for size, so that
    "Portland" means Portland, OR and "Pheonix" means Phoenix, not Phenix, VA."""
    names: Dict[Tuple[str, str], str] = {}
    points: Dict[Tuple[str, str], List[Tuple[float, float]]] = defaultdict(list)
    state_points: Dict[str, List[Tuple[float, float]]] = defaultdict(list)
    for row in zipcodes.list_all():
        if not row.get("lat") or row["state"] not in STATES:
            continue
        point = (float(row["lat"]), float(row["long"]))
        key = (row["city"].lower(), row["state"])
        names[key] = row["city"]
        points[key].append(point)
        state_points[row["state"]].append(point)
    # Medians, not means: a few ZIP rows carry odd coordinates, and one of
    # them would drag a city's centre miles away.
    cities = {}
    for key, pts in points.items():
        lat, lon = _median_point(pts)
        cities[key] = (names[key], lat, lon, len(pts))
    states_of: Dict[str, List[str]] = defaultdict(list)
    for city, state in cities:
        states_of[city].append(state)
    centroids = {st: _median_point(pts) for st, pts in state_points.items()}
    return cities, dict(states_of), centroids


def _median_point(points: List[Tuple[float, float]]) -> Tuple[float, float]:
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def state_code(text: str) -> Optional[str]:
    text = text.strip().rstrip(".").lower()
    if text.upper() in STATES and len(text) == 2:
        return text.upper()
    return _STATE_BY_NAME.get(text)


def _city_place(city: str, state: Optional[str]) -> Optional[Place]:
    cities, states_of, _ = _city_index()
    candidates = [state] if state else states_of.get(city, [])
    best = None
    for st in candidates:
        entry = cities.get((city, st))
        if entry and (best is None or entry[3] > best[1][3]):
            best = (st, entry)
    if not best:
        return None
    st, (name, lat, lon, _count) = best
    return Place("city", f"{name}, {st}", st, lat, lon)


def _fuzzy_city(city: str, state: Optional[str]) -> Optional[Place]:
    # Two or three letters are as close to a hundred towns as to the one meant.
    if len(city) < 4:
        return None
    cities, states_of, _ = _city_index()
    names = [c for c in states_of if not state or state in states_of[c]]
    hits = process.extract(city, names, scorer=fuzz.ratio, score_cutoff=80, limit=10)
    # A loose match is believable only for a real city (several ZIPs):
    # "Tuscon" is Tucson, but "Narnia" is not the hamlet of Naruna, VA.
    hits = [
        h for h in hits if h[1] >= 90 or max(cities[(h[0], st)][3] for st in states_of[h[0]]) >= 5
    ]
    if not hits:
        return None
    top = hits[0][1]
    # Among near-equal spellings, the bigger city is the likelier meaning.
    close = [h[0] for h in hits if h[1] >= top - 10]
    ranked = sorted(
        (
            (cities[(c, st)][3], c, st)
            for c in close
            for st in ([state] if state else states_of[c])
            if (c, st) in cities
        ),
        reverse=True,
    )
    if not ranked:
        return None
    _, c, st = ranked[0]
    return _city_place(c, st)


def _strip_filler(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().strip("?!.").strip())
    previous = None
    while previous != text:
        previous = text
        text = _FILLER_RE.sub("", text.lower()).strip(" ,")
    return text


def resolve(text: Optional[str]) -> Optional[Place]:
    """A Place for "33602", "Tampa", "tampa, fl", "Pheonix", "near Austin TX",
    "Florida"; None when nothing plausible matches."""
    if not text or not str(text).strip():
        return None
    raw = str(text)
    zip_match = ZIP_RE.search(raw)
    if zip_match:
        return place_for_zip(zip_match.group(1))
    cleaned = _strip_filler(raw)
    if not cleaned or len(cleaned) > 60:
        return None
    cleaned = _CITY_ALIASES.get(cleaned, cleaned)
    for pattern, full in _ABBREVIATIONS:
        cleaned = re.sub(pattern, full, cleaned)
    whole_state = state_code(cleaned)
    if whole_state and (len(cleaned) > 2 or raw.strip().isupper()):
        _, _, centroids = _city_index()
        lat, lon = centroids[whole_state]
        return Place("state", STATES[whole_state], whole_state, lat, lon)
    city, state = cleaned, None
    # "Austin, TX", "austin tx", "Portland Oregon": try a trailing state.
    parts = re.split(r"\s*,\s*|\s+", cleaned)
    for n in (2, 1):
        if len(parts) > n:
            st = state_code(" ".join(parts[-n:]))
            if st:
                city, state = " ".join(parts[:-n]), st
                break
    place = _city_place(city, state) or _fuzzy_city(city, state)
    if place is None and state:
        # The trailing word was part of the city after all ("la", "or").
        place = _city_place(cleaned, None) or _fuzzy_city(cleaned, None)
    return place


def city_size(city: str, state: Optional[str] = None) -> int:
    """How many ZIPs the city has (in `state`, or its largest namesake): 0
    for a name that is no US city. Spelling as in the ZIP table, any case."""
    # "Los Ángeles" as Spanish speakers write it is the table's Los Angeles.
    key = "".join(
        c for c in unicodedata.normalize("NFKD", city.lower()) if not unicodedata.combining(c)
    )
    for pattern, full in _ABBREVIATIONS:
        key = re.sub(pattern, full, key + " ").strip()
    if key in _CITY_ALIASES:
        return 100
    return _city_sizes().get((key, state), 0)


def load_tables() -> None:
    """Builds the city tables now (1.4 s), not at the first visitor who names a place."""
    _city_sizes()


@lru_cache(maxsize=1)
def _city_sizes() -> Dict[Tuple[str, Optional[str]], int]:
    """(city, state) and (city, None) -> ZIP count, for a quick look-up per word."""
    cities, _, _ = _city_index()
    sizes: Dict[Tuple[str, Optional[str]], int] = {}
    for (city, state), entry in cities.items():
        sizes[(city, state)] = entry[3]
        sizes[(city, None)] = max(sizes.get((city, None), 0), entry[3])
    return sizes
