"""Search results as short plain-text blocks, in the person's language.

Plain text because the same words go to the web widget and to SMS (no
markdown, no tables); one block per program with only what a person needs to
decide whether to call: name, place, type, schedule, phone. The wording,
English and Spanish, is in wording.yml next to this module.
"""

from pathlib import Path
from typing import List, Optional

from iopnav.directory.search import Match, SearchResult, offers
from iopnav.wording import Wording

WORDING = Wording(Path(__file__).with_name("wording.yml"))
say, label = WORDING.say, WORDING.label


def filter_label(name: str, language: Optional[str] = None) -> str:
    """A filter's name as the visitor reads it ("age group", "edad")."""
    return label("filter", name, language)


def _ages(program, language: Optional[str]) -> str:
    return ", ".join(label("age_group", a, language) for a in program.list_of("age_groups"))


def describe_filters(result: SearchResult, language: Optional[str] = None) -> str:
    """'for teens, evening groups, taking Aetna' — what we searched for, so the
    visitor can see what we understood."""
    f = result.query.filters()
    parts = []
    if f.get("program_type"):
        value = label("program_type_filter", f["program_type"], language)
        parts.append(say("filter_program_type", language, value=value))
    # "eating disorder programs treating eating disorder" says it twice.
    if f.get("condition") and f.get("condition") != f.get("program_type"):
        value = label("condition", f["condition"], language)
        parts.append(say("filter_condition", language, value=value))
    for name in ("age_group", "time_of_day", "delivery_mode"):
        if f.get(name):
            value = label(name, f[name], language)
            parts.append(say(f"filter_{name}", language, value=value))
    if f.get("insurance"):
        ins = f["insurance"]
        parts.append(
            say("filter_self_pay", language)
            if ins == "self-pay"
            else say("filter_insurance", language, value=label("insurance", ins, language))
        )
    if f.get("language"):
        value = label("language", f["language"], language)
        parts.append(say("filter_language", language, value=value))
    return ", ".join(parts)


def where(result: SearchResult, language: Optional[str] = None) -> str:
    place = result.place
    if place is None:
        return say("where_directory", language)
    if place.kind == "state":
        return say("where_state", language, place=place.label)
    miles = f"{result.query.radius_miles:.0f}"
    return say("where_near", language, miles=miles, place=place.label)


def program_block(match: Match, number: int, language: Optional[str] = None) -> str:
    p = match.program
    place = f"{p.city}, {p.state}"
    modes = p.list_of("delivery_modes")
    if match.virtual_only:
        place += say("block_virtual_statewide", language, state=p.state)
    else:
        if match.distance_miles is not None:
            place += (
                say("block_distance", language, miles=f"{match.distance_miles:.0f}")
                if match.distance_miles >= 1
                else say("block_under_a_mile", language)
            )
        if "virtual" in modes and "in person" in modes:
            place += say("block_virtual_too", language)
        elif modes == ["virtual"]:
            place += say("block_virtual_only", language)
    lines = [
        f"{number}. {p.name}",
        place,
        f"{label('program_type', p.program_type, language)} - {_ages(p, language)}",
    ]
    if p.schedule_text:
        lines.append(p.schedule_text)
    languages = p.list_of("languages")
    if languages:
        named = ", ".join(label("language", name, language) for name in languages)
        lines.append(say("block_languages", language, languages=named))
    if p.phone:
        lines.append(say("block_call", language, phone=p.phone))
    return "\n".join(lines)


def _with_filters(head: str, filters: str) -> str:
    return head + (f" ({filters})" if filters else "") + "."


def preferred_first(result: SearchResult) -> Optional[str]:
    """The language whose programs the results list first, when that changed
    the order (some programs offer it, some do not), else None."""
    preferred = result.query.prefer_language
    if not preferred or result.query.language:
        return None
    offering = [offers(m, preferred) for m in result.matches]
    return preferred if any(offering) and not all(offering) else None


def results_text(result: SearchResult, language: Optional[str] = None) -> str:
    found = "found_one" if result.total == 1 else "found_many"
    head = _with_filters(
        say(found, language, total=result.total, where=where(result, language)),
        describe_filters(result, language),
    )
    if result.place is None:
        head += " " + say("not_near_you", language)
    shown = result.page_matches
    last = result.first_index + len(shown) - 1
    if result.page > 1:
        head = say("page_head", language, first=result.first_index, last=last, total=result.total)
    elif result.total > len(shown):
        # Nearest first, unless programs in the visitor's language come first.
        nearest = result.place and not preferred_first(result)
        head += say("nearest_shown" if nearest else "some_shown", language, count=len(shown))
    if result.page == 1 and preferred_first(result):
        value = label("language", result.query.prefer_language or "", language)
        head += " " + say("preferred_first", language, group_language=value)
    blocks = [head] + [
        program_block(m, result.first_index + i, language) for i, m in enumerate(shown)
    ]
    if result.query.insurance:
        blocks.append(say("coverage_note", language))
    if result.has_more:
        blocks.append(say("say_show_more", language))
    elif result.page > 1:
        blocks.append(say("all_of_them", language, total=result.total))
    return "\n\n".join(blocks)


def _count(count: int, language: Optional[str]) -> str:
    return say("count_one", language) if count == 1 else say("count_many", language, count=count)


def _hint(name: str, value: str, count: int, language: Optional[str]) -> str:
    if name == "radius_miles":
        return say("hint_radius", language, miles=value, count=_count(count, language))
    return say(
        "hint_filter",
        language,
        label=filter_label(name, language),
        # "programas de salud mental": the lower-case label, as in the filters shown back.
        value=label("program_type_filter" if name == "program_type" else name, value, language),
        count=_count(count, language),
    )


def no_results_text(result: SearchResult, language: Optional[str] = None) -> str:
    head = _with_filters(
        say("none_found", language, where=where(result, language)),
        describe_filters(result, language),
    )
    blocks = [head]
    hints = [_hint(name, value, count, language) for name, value, count in result.relaxations]
    if hints:
        blocks.append(" ".join(hints))
    if result.alternatives:
        if result.place is None:
            heading = "alternatives_directory"
        elif result.alternatives_match_filters and result.query.filters():
            heading = "alternatives_matching"
        else:
            heading = "alternatives_nearest"
        blocks.append(say(heading, language))
        blocks += [program_block(m, i + 1, language) for i, m in enumerate(result.alternatives)]
    blocks.append(say("find_treatment", language))
    return "\n\n".join(blocks)


def location_not_found_text(location: Optional[str], language: Optional[str] = None) -> str:
    return say("place_not_found", language, location=location)


def contact_text(programs: List, language: Optional[str] = None) -> str:
    """Phone and intake hours, for 'can I talk to a person?'."""
    lines = []
    for p in programs:
        reach = p.phone or (
            say("contact_website", language, website=p.website)
            if p.website
            else say("contact_no_website", language)
        )
        line = f"{p.name}: {reach}"
        if p.intake_hours:
            line += f" ({p.intake_hours})"
        lines.append(line)
    return "\n".join(lines)
