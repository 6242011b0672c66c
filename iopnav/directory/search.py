"""Find programs: by place (nearest first) and any mix of filters.

Filters that are plain columns run in SQL with bound parameters; distance is
computed here from the programs' coordinates (a directory of a few thousand
rows does not need a spatial index). When nothing matches, the result says
which single filter to drop to get answers and lists the nearest programs
that match everything except the distance, so the visitor is never left with
a bare "no results".
"""

from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Optional, Tuple

from sqlalchemy import literal, or_, select
from sqlalchemy.orm import Session

from iopnav.directory import geo, vocab
from iopnav.directory.models import LIST_SEPARATOR, Program

PAGE_SIZE = 3
DEFAULT_RADIUS_MILES = 25.0
WIDER_RADII = (50.0, 100.0)
# The conversation's filters: (query attribute, vocabulary kind, Program column).
FILTERS: Tuple[Tuple[str, str, Optional[str]], ...] = (
    ("condition", "condition", "conditions"),
    ("insurance", "insurance", "insurances"),
    ("age_group", "age_group", "age_groups"),
    ("program_type", "program_type", None),
    ("time_of_day", "time_of_day", "schedule_times"),
    ("delivery_mode", "delivery_mode", "delivery_modes"),
)
# Searches without a place ("skip" when asked for a city) use this value.
ANYWHERE = "anywhere"


@dataclass(frozen=True)
class SearchQuery:
    location: Optional[str] = None
    radius_miles: float = DEFAULT_RADIUS_MILES
    condition: Optional[str] = None
    insurance: Optional[str] = None
    age_group: Optional[str] = None
    program_type: Optional[str] = None
    time_of_day: Optional[str] = None
    delivery_mode: Optional[str] = None
    language: Optional[str] = None
    # Not a filter: programs with groups in this language are listed first
    # (a Spanish-speaking visitor's search prefers Spanish groups).
    prefer_language: Optional[str] = None

    def filters(self) -> Dict[str, str]:
        """The active filters by name, in a stable order."""
        names = [f[0] for f in FILTERS] + ["language"]
        return {n: getattr(self, n) for n in names if getattr(self, n)}

    def without(self, name: str) -> "SearchQuery":
        cleared: Dict[str, Any] = {name: None}
        return replace(self, **cleared)

    def normalised(self) -> Tuple["SearchQuery", Dict[str, str]]:
        """Canonical filter values, and the raw values we could not map
        (e.g. an insurer we have never heard of) so callers can say so."""
        changes: Dict[str, Any] = {}
        unknown: Dict[str, str] = {}
        for name, kind, _column in FILTERS:
            raw = getattr(self, name)
            if raw:
                canonical = vocab.normalise(kind, raw)
                changes[name] = canonical
                if canonical is None:
                    unknown[name] = raw
        if self.language:
            changes["language"] = vocab.language_name(self.language)
        return replace(self, **changes), unknown


@dataclass
class Match:
    program: Program
    distance_miles: Optional[float]
    # True when the program is outside the radius but offers virtual groups
    # to anyone in its state.
    virtual_only: bool = False


@dataclass
class SearchResult:
    query: SearchQuery
    place: Optional[geo.Place]
    matches: List[Match]
    page: int = 1
    # Set when a location was given that we could not place on the map.
    location_not_found: bool = False
    # When nothing matches: [(filter name, value, how many matches without it)].
    relaxations: List[Tuple[str, str, int]] = field(default_factory=list)
    # When nothing matches: the nearest programs that match every filter but the distance.
    alternatives: List[Match] = field(default_factory=list)
    # False when not even the filters alone match anything, so the
    # alternatives are simply the nearest programs.
    alternatives_match_filters: bool = True

    @property
    def total(self) -> int:
        return len(self.matches)

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @property
    def page_matches(self) -> List[Match]:
        start = (self.page - 1) * PAGE_SIZE
        return self.matches[start : start + PAGE_SIZE]

    @property
    def first_index(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def has_more(self) -> bool:
        return self.page * PAGE_SIZE < self.total


def _has(column, value: str):
    # Lists are stored "a|b|c"; wrapping both sides in "|" makes "adult" not
    # match "older adult". The value is a bound parameter, never SQL text.
    wrapped = literal(LIST_SEPARATOR) + column + literal(LIST_SEPARATOR)
    return wrapped.contains(f"{LIST_SEPARATOR}{value}{LIST_SEPARATOR}", autoescape=True)


def _candidates(session: Session, query: SearchQuery) -> List[Program]:
    stmt = select(Program).where(Program.accepting_new.is_(True))
    for name, _kind, column in FILTERS:
        value = getattr(query, name)
        if not value:
            continue
        if name == "program_type":
            stmt = stmt.where(Program.program_type == value)
        elif name == "condition":
            stmt = stmt.where(
                or_(*[_has(Program.conditions, c) for c in vocab.expand_condition(value)])
            )
        elif column is not None:
            stmt = stmt.where(_has(getattr(Program, column), value))
    if query.language:
        stmt = stmt.where(_has(Program.languages, vocab.language_name(query.language)))
    return list(session.execute(stmt).scalars())


def _distance(place: Optional[geo.Place], program: Program) -> Optional[float]:
    if place is None or program.latitude is None or program.longitude is None:
        return None
    return geo.haversine_miles(place.latitude, place.longitude, program.latitude, program.longitude)


def _locate(query: SearchQuery, place: Optional[geo.Place], programs: List[Program]) -> List[Match]:
    matches = []
    for program in programs:
        distance = _distance(place, program)
        if place is None:
            matches.append(Match(program, None))
            continue
        if place.kind == "state":
            if program.state == place.state:
                matches.append(Match(program, distance))
            continue
        near = distance is not None and distance <= query.radius_miles
        # Telehealth is licensed per state: a virtual group reaches anyone
        # living in the program's state, however far from its office.
        statewide = (
            "virtual" in program.list_of("delivery_modes")
            and program.state == place.state
            and query.delivery_mode != "in person"
        )
        if near or statewide:
            matches.append(Match(program, distance, virtual_only=not near))
    far = float("inf")
    matches.sort(
        key=lambda m: (
            m.distance_miles if m.distance_miles is not None else far,
            m.program.state,
            m.program.city,
            m.program.name,
            m.program.id,
        )
    )
    return matches


def offers(match: Match, language: Optional[str]) -> bool:
    return bool(language) and language in match.program.list_of("languages")


def _preferred_first(matches: List[Match], language: Optional[str]) -> List[Match]:
    """Programs with groups in `language` first, each part in its own order."""
    if not language:
        return matches
    return sorted(matches, key=lambda m: not offers(m, language))  # stable


def _on_focus(match: Match, condition: Optional[str]) -> bool:
    return not condition or vocab.focuses_on(match.program.program_type, condition)


def _age_specific(match: Match, age_group: Optional[str]) -> bool:
    return not age_group or match.program.list_of("age_groups") == [age_group]


def by_fit(matches: List[Match], query: SearchQuery) -> List[Match]:
    """Ranks by fit with what the person said, each rank in its own order
    (nearest first): when they named a condition, programs built for it
    come instead of programs that only list it (a teen with depression is
    not offered an eating-disorder IOP while a mental health one fits);
    then programs for their age group alone before mixed-age ones."""
    focused = [m for m in matches if _on_focus(m, query.condition)]
    kept = focused or matches
    return sorted(kept, key=lambda m: not _age_specific(m, query.age_group))  # stable


def _run(session: Session, query: SearchQuery, place: Optional[geo.Place]) -> List[Match]:
    matches = by_fit(_locate(query, place, _candidates(session, query)), query)
    return _preferred_first(matches, query.prefer_language)


def search(session: Session, query: SearchQuery, page: int = 1) -> SearchResult:
    """All matches ranked by distance, the requested page, and (when empty)
    what to relax. `query` may hold raw user values; they are normalised here."""
    query, _unknown = query.normalised()
    located = query.location and query.location.strip().lower() != ANYWHERE
    place = geo.resolve(query.location) if located else None
    if located and place is None:
        return SearchResult(query, None, [], location_not_found=True)
    matches = _run(session, query, place)
    pages = max(1, -(-len(matches) // PAGE_SIZE))
    result = SearchResult(query, place, matches, page=min(max(1, page), pages))
    if not matches:
        _explain_no_results(session, result)
    return result


def _explain_no_results(session: Session, result: SearchResult) -> None:
    query, place = result.query, result.place
    for name, value in query.filters().items():
        count = len(_run(session, query.without(name), place))
        if count:
            result.relaxations.append((name, value, count))
    if place is not None and place.kind != "state":
        for radius in WIDER_RADII:
            if radius > query.radius_miles:
                count = len(_run(session, replace(query, radius_miles=radius), place))
                if count:
                    result.relaxations.append(("radius_miles", f"{radius:.0f}", count))
                    break
    # Nearest programs matching every filter, at any distance; if even those
    # do not exist, the nearest programs at all.
    everywhere = _locate(query, None, _candidates(session, query))
    if not everywhere:
        result.alternatives_match_filters = False
        everywhere = _locate(query, None, _candidates(session, SearchQuery()))
    if place is not None:
        for match in everywhere:
            match.distance_miles = _distance(place, match.program)
        everywhere.sort(
            key=lambda m: (
                m.distance_miles if m.distance_miles is not None else float("inf"),
                m.program.name,
            )
        )
    result.alternatives = _preferred_first(by_fit(everywhere, query), query.prefer_language)[
        :PAGE_SIZE
    ]
