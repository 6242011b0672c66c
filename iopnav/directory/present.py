"""Search results as short plain-text blocks.

Plain text because the same words go to the web widget and to SMS (no
markdown, no tables); one block per program with only what a person needs to
decide whether to call: name, place, type, schedule, phone.
"""

from typing import List, Optional

from iopnav.directory.search import Match, SearchResult

TYPE_LABELS = {
    "mental health": "Mental health",
    "addiction": "Addiction",
    "dual diagnosis": "Dual diagnosis (mental health + substance use)",
    "eating disorder": "Eating disorder",
}
AGE_LABELS = {
    "teen": "teens",
    "young adult": "young adults",
    "adult": "adults",
    "older adult": "older adults",
}
FILTER_LABELS = {
    "condition": "condition",
    "insurance": "insurance",
    "age_group": "age group",
    "program_type": "program type",
    "time_of_day": "time of day",
    "delivery_mode": "in person / virtual",
    "language": "language",
    "radius_miles": "distance",
}
FIND_TREATMENT = (
    "For more options nationwide, FindTreatment.gov or SAMHSA's free helpline 1-800-662-4357"
    " (24/7). "
    "If you need help right now, call or text 988."
)


def _ages(program) -> str:
    return ", ".join(AGE_LABELS.get(a, a) for a in program.list_of("age_groups"))


def describe_filters(result: SearchResult) -> str:
    """'for teens, evening groups, taking Aetna' — what we searched for, so the
    visitor can see what we understood."""
    f = result.query.filters()
    parts = []
    if f.get("program_type"):
        parts.append(f"{f['program_type']} programs")
    # "eating disorder programs treating eating disorder" says it twice.
    if f.get("condition") and f.get("condition") != f.get("program_type"):
        parts.append(f"treating {f['condition']}")
    if f.get("age_group"):
        parts.append(f"for {AGE_LABELS.get(f['age_group'], f['age_group'])}")
    if f.get("time_of_day"):
        parts.append(f"{f['time_of_day']} groups")
    if f.get("delivery_mode"):
        parts.append("virtual" if f["delivery_mode"] == "virtual" else "in person")
    if f.get("insurance"):
        ins = f["insurance"]
        parts.append("self-pay" if ins == "self-pay" else f"taking {ins}")
    if f.get("language"):
        parts.append(f"in {f['language']}")
    return ", ".join(parts)


def where(result: SearchResult) -> str:
    place = result.place
    if place is None:
        return "in the directory"
    if place.kind == "state":
        return f"in {place.label}"
    return f"within {result.query.radius_miles:.0f} miles of {place.label}"


def program_block(match: Match, number: int) -> str:
    p = match.program
    place = f"{p.city}, {p.state}"
    modes = p.list_of("delivery_modes")
    if match.virtual_only:
        place += f" - virtual groups for anyone in {p.state}"
    else:
        if match.distance_miles is not None:
            place += (
                f" - {match.distance_miles:.0f} mi"
                if match.distance_miles >= 1
                else " - under 1 mi"
            )
        if "virtual" in modes and "in person" in modes:
            place += " (virtual too)"
        elif modes == ["virtual"]:
            place += " (virtual only)"
    lines = [
        f"{number}. {p.name}",
        place,
        f"{TYPE_LABELS.get(p.program_type, p.program_type)} - {_ages(p)}",
    ]
    if p.schedule_text:
        lines.append(p.schedule_text)
    if p.phone:
        lines.append(f"Call {p.phone}")
    return "\n".join(lines)


def results_text(result: SearchResult) -> str:
    filters = describe_filters(result)
    what = "program" if result.total == 1 else "programs"
    head = (
        f"I found {result.total} {what} {where(result)}"
        + (f" ({filters})" if filters else "")
        + "."
    )
    shown = result.page_matches
    last = result.first_index + len(shown) - 1
    if result.page > 1:
        head = f"Programs {result.first_index}-{last} of {result.total}:"
    elif result.total > len(shown):
        head += (
            f" Here are the nearest {len(shown)}:" if result.place else f" Here are {len(shown)}:"
        )
    blocks = [head] + [program_block(m, result.first_index + i) for i, m in enumerate(shown)]
    if result.query.insurance:
        blocks.append(
            "Coverage depends on your plan, so please confirm with the program when you call."
        )
    if result.has_more:
        blocks.append('Say "show more" for the next ones.')
    elif result.page > 1:
        blocks.append(f"That's all {result.total}.")
    return "\n\n".join(blocks)


def no_results_text(result: SearchResult) -> str:
    filters = describe_filters(result)
    head = f"I couldn't find a program {where(result)}" + (f" ({filters})" if filters else "") + "."
    blocks = [head]
    hints = []
    for name, value, count in result.relaxations:
        them = "1 program" if count == 1 else f"{count} programs"
        if name == "radius_miles":
            hints.append(f"Within {value} miles there {'is' if count == 1 else 'are'} {them}.")
        else:
            hints.append(
                f"Without the {FILTER_LABELS.get(name, name)} filter ({value}) there "
                f"{'is' if count == 1 else 'are'} {them}."
            )
    if hints:
        blocks.append(" ".join(hints))
    if result.alternatives:
        if result.place is None:
            label = "Programs in the directory:"
        elif result.alternatives_match_filters and result.query.filters():
            label = "The nearest programs that match the rest of your search:"
        else:
            label = "The nearest programs in the directory:"
        blocks.append(label)
        blocks += [program_block(m, i + 1) for i, m in enumerate(result.alternatives)]
    blocks.append(FIND_TREATMENT)
    return "\n\n".join(blocks)


def location_not_found_text(location: Optional[str]) -> str:
    return (
        f'I couldn\'t find a US place called "{location}". Please send a city (like Tampa, FL) '
        "or a 5-digit ZIP code."
    )


def contact_text(programs: List) -> str:
    """Phone and intake hours, for 'can I talk to a person?'."""
    lines = []
    for p in programs:
        line = f"{p.name}: {p.phone or 'see ' + (p.website or 'its website')}"
        if p.intake_hours:
            line += f" ({p.intake_hours})"
        lines.append(line)
    return "\n".join(lines)
