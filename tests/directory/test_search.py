"""Searching the sample directory the way a visitor asks: by ZIP, city (with
typos) or state, with any mix of filters, three at a time, and an honest
answer with alternatives when nothing matches. SQLite and PostgreSQL."""

from sqlalchemy import func, select

from iopnav.directory import present
from iopnav.directory.models import Program
from iopnav.directory.search import PAGE_SIZE, SearchQuery, search


def names(result):
    return [m.program.name for m in result.matches]


def test_zip_search_ranks_nearest_first_within_25_miles(session):
    result = search(session, SearchQuery(location="33602"))
    distances = [m.distance_miles for m in result.matches if not m.virtual_only]
    assert distances == sorted(distances) and max(distances) <= 25
    assert result.matches[0].program.city == "Tampa"
    assert "Lake Eola Recovery IOP" not in names(result)  # Orlando, in person only, ~80 miles


def test_virtual_programs_reach_anyone_in_their_state(session):
    result = search(session, SearchQuery(location="33602"))
    miami = next(m for m in result.matches if m.program.name == "Coral Way Virtual IOP")
    assert miami.virtual_only and miami.distance_miles > 150
    assert "virtual groups for anyone in FL" in present.results_text(
        search(session, SearchQuery(location="33602"), page=3)
    )
    # ...but not when the visitor wants to go in person.
    in_person = search(session, SearchQuery(location="33602", delivery_mode="in person"))
    assert "Coral Way Virtual IOP" not in names(in_person)


def test_city_name_and_typo(session):
    assert names(search(session, SearchQuery(location="Phoenix"))) == names(
        search(session, SearchQuery(location="Pheonix"))
    )
    result = search(session, SearchQuery(location="Pheonix"))
    assert (
        result.place.label == "Phoenix, AZ" and result.matches[0].program.name == "Desert Bloom IOP"
    )


def test_state_search_lists_that_state(session):
    result = search(session, SearchQuery(location="Texas"))
    assert {m.program.state for m in result.matches} == {"TX"} and result.total == 4


def test_each_filter_narrows_the_results(session):
    base = SearchQuery(location="Tampa")
    checks = {
        "condition": ("eating disorder", lambda p: "eating disorder" in p.list_of("conditions")),
        "insurance": ("Medicare", lambda p: "Medicare" in p.list_of("insurances")),
        "age_group": ("teen", lambda p: "teen" in p.list_of("age_groups")),
        "program_type": ("addiction", lambda p: p.program_type == "addiction"),
        "time_of_day": ("evening", lambda p: "evening" in p.list_of("schedule_times")),
        "delivery_mode": ("virtual", lambda p: "virtual" in p.list_of("delivery_modes")),
    }
    everything = search(session, base).total
    for name, (value, holds) in checks.items():
        result = search(session, SearchQuery(location="Tampa", **{name: value}))
        assert 0 < result.total < everything, name
        assert all(holds(m.program) for m in result.matches), name


def test_adult_does_not_match_older_adult_only_programs(session):
    result = search(session, SearchQuery(location="Brandon, FL", age_group="adult", radius_miles=5))
    assert "Brandon Senior Wellness IOP" not in names(result)


def test_combined_filters_from_the_acceptance_example(session):
    # "an evening program for teens near 33602 that takes Aetna"
    result = search(
        session,
        SearchQuery(
            location="33602", time_of_day="evenings", age_group="teens", insurance="aetnna"
        ),
    )
    assert names(result)[0] == "Bayview Teen Evening IOP"
    assert result.query.insurance == "Aetna" and result.query.age_group == "teen"
    text = present.results_text(result)
    assert (
        "Bayview Teen Evening IOP" in text
        and "(813) 555-0101" in text
        and "Mon, Tue, Thu 4:30-7:30 pm" in text
    )
    assert "for teens, evening groups, taking Aetna" in text


def test_substance_use_finds_alcohol_and_opioid_programs(session):
    result = search(session, SearchQuery(location="Houston", condition="drug use"))
    assert "Bayou City Recovery IOP" in names(result)


def test_programs_not_accepting_patients_are_left_out(session):
    assert "Prairie Teen IOP" not in names(search(session, SearchQuery(location="Evanston, IL")))


def test_paging_three_at_a_time(session):
    first = search(session, SearchQuery(location="Tampa"))
    assert first.total == 7 and len(first.page_matches) == PAGE_SIZE and first.has_more
    pages = [search(session, SearchQuery(location="Tampa"), page=n) for n in (1, 2, 3)]
    seen = [m.program.slug for p in pages for m in p.page_matches]
    assert len(seen) == 7 == len(set(seen)) and not pages[2].has_more
    assert present.results_text(pages[1]).startswith("Programs 4-6 of 7:")
    assert "That's all 7." in present.results_text(pages[2])
    # Asking past the end shows the last page rather than nothing.
    assert search(session, SearchQuery(location="Tampa"), page=9).page == 3


def test_no_results_names_the_filter_to_relax_and_the_nearest_alternatives(session):
    result = search(session, SearchQuery(location="33602", insurance="Molina", age_group="teen"))
    assert result.total == 0
    relaxed = {name: count for name, _value, count in result.relaxations}
    assert relaxed == {"insurance": 2, "age_group": 1}
    text = present.no_results_text(result)
    assert "Without the insurance filter (Molina) there are 2 programs." in text
    assert "FindTreatment.gov" in text and "988" in text
    assert len(result.alternatives) == 3


def test_far_away_place_gets_the_nearest_programs_and_a_wider_radius(session):
    result = search(
        session,
        SearchQuery(
            location="Gainesville, FL", program_type="addiction", delivery_mode="in person"
        ),
    )
    assert result.total == 0
    assert ("radius_miles", "100", 1) in result.relaxations  # Orlando, ~100 miles away
    assert ("delivery_mode", "in person", 1) in result.relaxations  # Tampa's virtual groups
    assert result.alternatives[0].program.name == "Lake Eola Recovery IOP"
    assert "The nearest programs that match the rest of your search:" in present.no_results_text(
        result
    )


def test_unknown_place_is_reported_not_guessed(session):
    result = search(session, SearchQuery(location="Narnia"))
    assert result.location_not_found and result.matches == []


def test_without_a_place_the_whole_directory_is_searched(session):
    result = search(session, SearchQuery(location="anywhere", program_type="eating disorder"))
    assert result.place is None and result.total == 5


def test_hostile_text_is_only_ever_a_parameter(session):
    before = session.execute(select(func.count(Program.id))).scalar_one()
    for value in ("'; DROP TABLE programs; --", "%", "_", "a|b"):
        result = search(session, SearchQuery(location="Tampa", insurance=value, language=value))
        assert result.total == 0 or result.query.insurance is None
    assert session.execute(select(func.count(Program.id))).scalar_one() == before


def test_language_filter(session):
    result = search(session, SearchQuery(location="Chicago", language="polish"))
    assert names(result) == ["Lakeshore IOP"]


def test_results_in_spanish(session):
    result = search(session, SearchQuery(location="33602", age_group="teen", insurance="Aetna"))
    text = present.results_text(result, "es")
    assert text.startswith("Encontré ") and "a menos de 25 millas de Tampa" in text
    assert "(para adolescentes, que aceptan Aetna)" in text
    assert "Llama al (813) 555-0101" in text and "La cobertura depende de tu plan" in text
    assert "Call " not in text and "programs" not in text


def test_no_results_and_unknown_place_in_spanish(session):
    result = search(session, SearchQuery(location="33602", insurance="Molina", age_group="teen"))
    text = present.no_results_text(result, "es")
    assert text.startswith("No encontré ningún programa a menos de 25 millas de Tampa")
    assert "Sin el filtro de seguro (Molina) hay 2 programas." in text
    assert "Sin el filtro de edad (adolescentes) hay 1 programa." in text
    assert "marca 2, o envía AYUDA por mensaje de texto al 988" in text
    assert 'No encontré ningún lugar de EE. UU. llamado "Atlantis"' in (
        present.location_not_found_text("Atlantis", "es")
    )


def spanish_groups(match):
    return "Spanish" in match.program.list_of("languages")


def test_programs_with_spanish_groups_as_a_filter(session):
    everything = search(session, SearchQuery(location="33602"))
    assert not all(spanish_groups(m) for m in everything.matches)  # the filter has work to do
    result = search(session, SearchQuery(location="33602", language="español"))
    assert result.total and all(spanish_groups(m) for m in result.matches)
    assert result.query.language == "Spanish"
    text = present.results_text(result, "es")
    assert "(grupos en español)" in text and "Grupos en inglés, español" in text
    assert "(groups in Spanish)" in present.results_text(result)


def test_a_spanish_speakers_search_lists_spanish_groups_first(session):
    plain = search(session, SearchQuery(location="33602"))
    preferred = search(session, SearchQuery(location="33602", prefer_language="Spanish"))
    # Nearest first otherwise: a program without Spanish groups comes before one with.
    kinds = [spanish_groups(m) for m in plain.matches]
    assert kinds != sorted(kinds, reverse=True)
    assert sorted(names(preferred)) == sorted(names(plain))  # the same programs...
    kinds = [spanish_groups(m) for m in preferred.matches]
    assert kinds == sorted(kinds, reverse=True)  # ...Spanish groups first
    text = present.results_text(preferred, "es")
    assert "Primero van los programas con grupos en español." in text
    assert "más cercanos" not in text


# ------------------------------------------------------------ ranking by fit


def test_a_teen_with_depression_near_tampa_is_not_offered_an_eating_disorder_program(session):
    # The walkthrough's search: depression, a teen, Aetna, evening groups, 33602.
    # Sunrise Eating Recovery lists depression too, but it is built for eating
    # disorders; Bayview's teen program is built for this.
    query = SearchQuery(
        location="33602",
        condition="depression",
        age_group="teen",
        insurance="Aetna",
        time_of_day="evening",
    )
    shown = present.results_text(search(session, query))
    assert "1. Bayview Teen Evening IOP" in shown
    assert "Sunrise Eating Recovery" not in shown


def test_an_eating_disorder_search_still_lists_the_eating_disorder_programs(session):
    result = search(session, SearchQuery(location="33602", condition="eating disorder"))
    assert names(result)[0] == "Sunrise Eating Recovery IOP"


def test_only_off_focus_programs_are_still_listed_rather_than_none(session):
    # A teen with anxiety near Boston: the one teen program there is an
    # eating-disorder program that lists anxiety. Better that than nothing.
    result = search(session, SearchQuery(location="Boston", condition="anxiety", age_group="teen"))
    assert names(result) == ["Charles River Eating Recovery IOP"]


def test_programs_for_the_age_group_alone_come_before_nearer_mixed_age_ones(session):
    # In St. Petersburg the eating-disorder program (teens to adults) is
    # nearer; the teen-only program in Tampa fits a teen better.
    result = search(session, SearchQuery(location="St. Petersburg, FL", age_group="teen"))
    first, second = result.matches[:2]
    assert first.program.name == "Bayview Teen Evening IOP"
    assert second.program.name == "Sunrise Eating Recovery IOP"
    assert first.distance_miles > second.distance_miles


def test_a_search_with_no_place_says_the_programs_are_not_near_the_visitor(session):
    shown = present.results_text(
        search(session, SearchQuery(location="anywhere", age_group="teen"))
    )
    assert "in any state, not near you" in shown and "city or ZIP code" in shown
    spanish = present.results_text(
        search(session, SearchQuery(location="anywhere", age_group="teen")), "es"
    )
    assert "no cerca de ti" in spanish
    near = present.results_text(search(session, SearchQuery(location="33602", age_group="teen")))
    assert "not near you" not in near
