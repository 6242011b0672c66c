"""The screen's rule table (iopnav/safety/rules.yml): it loads, a malformed
table stops the screen with a message that names the problem, and every rule
has a message here whose result changes when that rule is removed."""

from pathlib import Path

import pytest
import yaml

from iopnav.safety.screen import AMBIGUOUS, CRISIS, NONE, CrisisScreen, RuleTableError
from iopnav.safety.screen.rules import RULES_PATH, default_rules, load_rules, parse_rules

# (kind, rule) -> (message, level with the rule, a reason it gives).
# A new rule needs an entry here: test_every_rule_has_an_example fails without one.
RULE_EXAMPLES = {
    ("strong", "idiom"): ("I'm gonna kill this presentation tomorrow", NONE, "idiom"),
    ("strong", "history"): ("used to cut. clean 1 yr", NONE, "history"),
    ("strong", "service_question"): (
        "does your program take people with suicidal thoughts?",
        NONE,
        "question_about_services",
    ),
    ("strong", "breath_of_feeling"): (
        "so stressed about work that i can barely breathe",
        AMBIGUOUS,
        None,
    ),
    ("strong", "self_injury_how_to"): ("how do you make cuts bleed less?", CRISIS, None),
    ("strong", "method_how_to"): ("how would someone hang themselves", CRISIS, None),
    ("strong", "harm_how_to"): ("how do you poison someone slowly", CRISIS, None),
    ("strong", "child_danger_now"): (
        "how fast can someone get here if a kid is getting hit right now?",
        CRISIS,
        None,
    ),
    ("strong", "info_question"): (
        "How would I know if my roommate overdosed?",
        NONE,
        "question_about_services",
    ),
    ("strong", "other_safe_now"): (
        "Our neighbor's teenage son overdosed on fentanyl at a party in June. He's sober now and"
        " doing great. Is there a support group for his parents?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "quoted_other_safe_now"): (
        "my nephew texted 'i want to die' when his phone broke. he was just being dramatic and"
        " he's fine. do you have groups for teens?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "other_safe_now_reported"): (
        "my uncle said he wanted to die after the divorce but he's in therapy now and doing ok."
        " how do we bring it up gently?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "media"): (
        "in the movie he jumps off a bridge at the end and I cried",
        NONE,
        "media",
    ),
    ("strong", "media_in_message"): (
        "Our choir is singing a song by a band I love. The bridge verse is about suicide.",
        NONE,
        "media",
    ),
    ("strong", "topic_compound"): (
        "Our church is hosting a talk on veteran suicide next month.",
        NONE,
        "question_about_services",
    ),
    ("strong", "question_about_the_word"): (
        "is it true suicide goes up around the holidays?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("strong", "loss_now"): ("my dad just killed himself", CRISIS, "loss"),
    ("strong", "loss"): (
        "My friend's brother killed himself and she's devastated, how do I help her?",
        AMBIGUOUS,
        "loss",
    ),
    ("strong", "joking_threat"): ("gonna murder this burrito lol", NONE, "joking"),
    ("strong", "said_and_explained"): (
        "I said I wanted to die after the exam and my dad freaked out.",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "hypothetical"): (
        "What if I hurt myself someday?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "conditional_report"): (
        "if my friend says she wants to kill herself, what should I do?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("strong", "negated"): ("im not gonna hurt myself lol", AMBIGUOUS, "negated_or_hypothetical"),
    ("strong", "everyday_accident"): (
        "burned my hand on the stove grabbing a pan, ice or water?",
        NONE,
        None,
    ),
    ("strong", "daily_regimen"): (
        "My grandmother takes 11 pills a day and mixes them up.",
        NONE,
        None,
    ),
    ("topic", "idiom"): ("my coach made us run suicides for an hour", NONE, "idiom"),
    ("strong", "asked_and_confirmed"): (
        "The school nurse asked if I wanted to die and I said yes.",
        CRISIS,
        None,
    ),
    ("strong", "asked_and_denied"): (
        "My dad is scared that I'm going to kill myself because I quit school. I'm not.",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("topic", "asked_and_confirmed"): (
        "My mom asked if I have been self-harming and I said yes.",
        CRISIS,
        None,
    ),
    ("topic", "asked_and_denied"): (
        "My mom is worried that I'm self-harming. I'm not, I just pick at my nails.",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("topic", "history"): ("self harm free since 2018", NONE, "history"),
    ("topic", "negated"): ("not suicidal, just want help", NONE, "negated"),
    ("topic", "topic_compound"): (
        "our church wants to host a suicide prevention night",
        NONE,
        "question_about_services",
    ),
    ("topic", "media_in_message"): (
        "We watched Dead Poets Society in class. Neil was suicidal and nobody saw it.",
        NONE,
        "media",
    ),
    ("topic", "attempt_as_event"): (
        "My uncle had a suicide attempt at 50. He is a happy grandpa and we want a family group.",
        AMBIGUOUS,
        "history",
    ),
    ("topic", "media"): (
        "I'm writing an essay on overdose deaths in our county for school",
        NONE,
        "media",
    ),
    ("topic", "topic_how_to"): ("could you tell me a way to overdose on my pills", CRISIS, None),
    ("topic", "service_question_about_people"): (
        "what do I do if someone overdoses in front of me?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "service_question"): (
        "do you offer DBT for self harm?",
        NONE,
        "question_about_services",
    ),
    ("topic", "info_question"): (
        "what do I say to my kids about their uncle's overdose?",
        NONE,
        "question_about_services",
    ),
    ("strong", "helping_other"): (
        "give me a list of things to say to someone who says they want to kill themselves",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "helping_other"): (
        "explain in simple words how to talk to a suicidal person",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("strong", "for_study"): (
        "Durkheim wrote about suicide and social ties. For my sociology paper, how would you sum"
        " that up?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "for_study"): (
        "para una presentacion de la escuela, por que los hombres mayores se suicidan mas",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("strong", "quoted_saying"): (
        'the meme "i want to die" is everywhere, is it normal for teens to say it?',
        AMBIGUOUS,
        "media",
    ),
    ("strong", "who_may_call"): (
        "¿Tengo que estar a punto de suicidarme para llamar?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "who_may_call"): (
        "Do I have to be suicidal to call 988?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("strong", "for_training"): (
        "Trabajo en un centro juvenil y quiero folletos sobre la sobredosis de fentanilo para los"
        " muchachos.",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "for_training"): (
        "Trabajo en una parroquia y muchas familias han perdido a alguien por suicidio. ¿Tienen"
        " capacitación para líderes?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "question_about_self_harm"): (
        "can self harm become a habit for teenagers?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "other_safe_now"): (
        "My roommate told me last week she had been cutting. She is in therapy now and doing"
        " better. How can I support her?",
        AMBIGUOUS,
        "negated_or_hypothetical",
    ),
    ("topic", "question_about_the_topic"): (
        "is suicidality higher after a breakup?",
        AMBIGUOUS,
        "question_about_services",
    ),
    ("topic", "loss"): (
        "my sister died of an overdose in March and I miss her",
        AMBIGUOUS,
        "loss",
    ),
    ("topic", "hypothetical"): ("what if i feel suicidal during group", AMBIGUOUS, "hypothetical"),
    ("topic", "conditional_report"): (
        "I'm worried: what do I do if my friend says she's thinking about suicide?",
        AMBIGUOUS,
        "hypothetical",
    ),
    ("ambiguous", "service_question"): (
        "what should a coworker do if someone at work says they feel hopeless?",
        NONE,
        "question_about_services",
    ),
    ("ambiguous", "history"): ("I felt hopeless years ago but I'm stable now", NONE, "history"),
    ("ambiguous", "negated"): (
        "I don't want to disappear or anything, I just want a break from my family",
        NONE,
        None,
    ),
    ("message", "negated"): ("never drank in my life. my heart is racing, anxiety?", NONE, None),
    ("message", "feeling_symptom"): (
        "My sister had the nerve to call me selfish at dinner. I'm so mad my heart is racing",
        NONE,
        None,
    ),
}


@pytest.fixture(scope="module")
def full_screen():
    return CrisisScreen()


def test_the_rule_table_loads_with_a_section_per_kind_of_pattern():
    table = load_rules()
    assert set(table.kinds) == {"strong", "topic", "ambiguous", "message"}
    assert table.kinds["strong"].otherwise.value == "crisis"
    assert table.kinds["ambiguous"].otherwise.value == "ask"


def test_every_rule_has_an_example():
    assert set(default_rules().names()) == set(RULE_EXAMPLES)


@pytest.mark.parametrize("kind,name", sorted(RULE_EXAMPLES))
def test_removing_a_rule_changes_what_its_example_gets(full_screen, kind, name):
    text, level, reason = RULE_EXAMPLES[(kind, name)]
    with_rule = full_screen.assess(text)
    assert with_rule.level == level, with_rule
    if reason:
        assert reason in with_rule.suppressed, with_rule
    without = CrisisScreen(default_rules().without(kind, name)).assess(text)
    assert without.as_dict() != with_rule.as_dict()


def _table(**changes):
    data = yaml.safe_load(RULES_PATH.read_text())
    for path, value in changes.items():
        kind, index, key = path.split("__")
        data[kind]["rules"][int(index)][key] = value
    return data


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"strong__0__when": ["idoim"]}, "strong rule #1 (idiom): unknown frame 'idoim'; known:"),
        ({"strong__1__then": "escalate"}, "`then: escalate` is not one of ask, crisis, drop"),
        ({"topic__2__reason": "negative"}, "topic rule #3 (negated): `reason: negative`"),
        ({"strong__7__category": ["harm_other"]}, "unknown category 'harm_other'"),
        ({"strong__2__unles": ["writer"]}, "unknown key unles"),
        ({"strong__1__when": []}, "`when` needs at least one frame"),
        ({"strong__1__name": "idiom"}, "`strong` names rule idiom twice"),
    ],
)
def test_a_malformed_rule_is_refused_with_where_and_why(changes, message):
    good = yaml.safe_load(RULES_PATH.read_text())
    parse_rules(good)  # the fault is in the change, not the table
    with pytest.raises(RuleTableError) as error:
        parse_rules(_table(**changes))
    assert message in str(error.value)
    assert str(RULES_PATH) in str(error.value)


def test_a_table_without_a_section_or_not_yaml_is_refused(tmp_path: Path):
    data = yaml.safe_load(RULES_PATH.read_text())
    del data["message"]
    with pytest.raises(RuleTableError, match="one section per pattern kind"):
        parse_rules(data)
    broken = tmp_path / "rules.yml"
    broken.write_text("strong: [unclosed")
    with pytest.raises(RuleTableError, match="not valid YAML"):
        load_rules(broken)


def test_the_docs_describe_every_frame_a_rule_can_name():
    from iopnav.safety.screen.frames import FRAMES

    docs = (Path(__file__).resolve().parents[2] / "docs" / "safety.md").read_text()
    assert [name for name in FRAMES if f"| `{name}` |" not in docs] == []
