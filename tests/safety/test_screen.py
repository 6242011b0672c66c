"""Unit tests for the rule-based crisis screen (iopnav.safety.screen).

Cases here are the developers' own; the independent labelled set in
tests/safety/labelled.yml is scored by scripts/eval_safety.py.
"""

import pytest

from iopnav.safety.screen import AMBIGUOUS, CRISIS, FEELINGS, NONE, assess, normalise

CRISIS_CASES = {
    "suicidal_explicit": [
        "I want to kill myself",
        "i think about ending my life every day",
        "I'm suicidal",
    ],
    "suicidal_passive": [
        "honestly no point waking up tomorrow",
        "everyone would be better off without me",
        "i dont want to be here anymore",
        # waking disappointed, hoping sleep or God takes me, time running out,
        # following someone who died, others relieved or "cleaner" without me
        "every morning there's this disappointment that I woke up again",
        "honestly I'd rather not have woken up today",
        "some nights I pray the Lord will call me home",
        "feels like I'm just running out the clock",
        "my only plan is to not be around for my next birthday",
        "I stopped caring whether I live or not",
        "since my son passed I just want to go be with him again",
        "my parents would be relieved if I was gone",
        "their life would be simpler if I was just out of the picture",
        "Cut this morning before class.",
        # "good news, bad news" about one's own life is not the news (media)
        "Good news, the kids are settled. Bad news, I hope to not be around much longer",
    ],
    "plan_or_means": [
        "ive been saving up my sleeping pills",
        "I already wrote goodbye letters to my kids",
        "how many tylenol would it take",
        # a medicine by its generic name, a dose "that will do it"
        "will 50 of my propranolol be enough",
        "which amount of metoprolol would actually do it",
    ],
    "self_harm": ["I cut myself again last night", "the urge to cut is so strong rn"],
    "overdose_medical": [
        "i took a whole bottle of pills",
        "my friend overdosed and isn't breathing",
    ],
    "harm_others": ["I'm going to hurt my roommate tonight", "I have thoughts of hurting my baby"],
    "danger_abuse": [
        "my boyfriend keeps hitting me",
        "I'm not safe at home, he said he will kill me",
    ],
    "third_party": ["my son said he wants to die", "my wife is talking about killing herself"],
    "slang": ["gonna kms", "i want to unalive myself", "thinking about sewerslide"],
    "spanish": ["quiero morirme", "no quiero vivir mas", "mi hijo dice que se quiere morir"],
}


@pytest.mark.parametrize("category,text", [(c, t) for c, ts in CRISIS_CASES.items() for t in ts])
def test_crisis_messages_escalate(category, text):
    result = assess(text)
    assert result.level == CRISIS, (text, result)
    assert result.evidence


def test_risk_buried_in_an_ordinary_question_escalates():
    result = assess(
        "what time do the evening groups start? also i dont see the point in living anymore"
    )
    assert result.level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "this insurance paperwork is killing me",
        "I'm dying to know if you take Cigna",
        "I could kill for a coffee right now, anyway when do groups meet",
        "my feet are killing me after work",
        "I killed it at my job interview",
        "it just hit me that I need more help than weekly therapy",
        "the grief hits me hard on Sundays, is there a weekend group?",
        "my confidence took a big hit after the layoff",
    ],
)
def test_idioms_do_not_escalate(text):
    assert assess(text).level == NONE


# Everyday words that share a shape with danger (pressure, eviction, "a toll",
# a collapsing plan, "odd", dating, "the edge of burnout", cutting ties,
# throwing oneself into work, cutting oneself off from friends), each next to
# the danger it must still catch.
@pytest.mark.parametrize(
    "safe,danger",
    [
        ("my supervisor keeps pushing me to cover extra shifts", "he pushed me down the stairs"),
        ("when we talk she just pushes me away", "my husband pushes me around when he drinks"),
        ("my landlord kicked me out in October", "my stepdad kicked me in the ribs"),
        (
            "two jobs have taken a toll and my plans are collapsing",
            "I took a handful of pills and my friend collapsed",
        ),
        ("her voice sounded odd on the phone", "my brother OD'd and isn't waking up"),
        # "OD'd" said last, with nothing after it to tell it from "odd"
        ("i met someone odd at group today", "pretty sure i just OD'd"),
        ("my son has ODD and fights me on everything", "I think my son ODed"),
        # "odd" beside a word of the present ("tonight", "again"): risk
        # coming back only when it was an overdose
        (
            "i met someone odd at group tonight",
            "i OD'd last spring and tonight i have the pills out again",
        ),
        ("had an odd day again, anxious and tired", "my brother ODed twice and is using again"),
        ("an odd on-call week again, he said", "OD'd on my painkillers. alone. he is gone"),
        # ending a relationship, and ending it said as what the writer is doing
        ("im ending it with him tonight, three years is enough", "I'm ending it tonight. goodbye"),
        ("I've dated a few people since I got sober", "I picked a date to end it"),
        ("I'm on the edge of burnout at this job", "I'm sitting on the edge of the roof"),
        ("my dad wants to cut ties with his brother", "I want to cut myself tonight"),
        ("I threw myself into my studies this term", "I'm going to throw myself into traffic"),
        ("I cut myself off from my friends this winter", "I cut myself again last night"),
        # cutting back, a place that is gone, a care home, a life plan, nostalgia "hitting"
        ("is cutting out caffeine worth it for my nerves?", "I keep cutting and I can't stop"),
        ("the diner where we met doesn't exist anymore", "I just want to not exist anymore"),
        (
            "grandpa would never want to live in a nursing home, so he moved in with us",
            "I never want to live another day like this",
        ),
        (
            "I had a plan for five years and now I have a degree and no job",
            "I have a plan and the pills are ready",
        ),
        ("los domingos me pega la nostalgia de mi pueblo", "mi esposo me pega cuando toma"),
        # enough for an ordinary purpose; a dose that works for a pain
        ("are 2 benadryl enough for a long flight?", "are 30 benadryl enough for me"),
        ("what dose of naproxen will do it for cramps", "what dose of naproxen will do it"),
        # a feeling felt in the body, and the same symptom after a substance
        (
            "we had layoffs again. I wake up at 3am with my heart pounding",
            "we had a lot of molly again. my heart is pounding",
        ),
    ],
)
def test_everyday_look_alikes_stay_calm_and_the_danger_still_escalates(safe, danger):
    assert assess(safe).level == NONE
    assert assess(danger).level == CRISIS


# Breath taken by a feeling or a panic attack gets the screening question;
# the same words with something taken, someone else's breathing or a body in
# danger are still a hand-off.
@pytest.mark.parametrize(
    "feeling,danger",
    [
        ("so stressed about finals i cant breathe", "took a bunch of bars and i cant breathe"),
        (
            "I get panic attacks at work. My heart races and I can't breathe.",
            "panic attack, crushing chest pain, I can't breathe",
        ),
        (
            "im so angry right now i can barely breathe",
            "he has his hands on my neck i cant breathe",
        ),
        (
            "I'm so sad since the funeral I can barely breathe",
            "my son is so scared, he can't breathe",
        ),
        ("anxiety attack, can't breathe, shaking", "asthma attack, can't breathe, no inhaler"),
    ],
)
def test_breath_taken_by_a_feeling_is_asked_about_not_handed_off(feeling, danger):
    assert assess(feeling).level == AMBIGUOUS
    assert assess(danger).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "I've never been closer to ending it all than tonight",
        "i have never wanted to die more than I do right now",
    ],
)
def test_a_comparison_with_never_is_not_a_denial(text):
    assert assess(text).level == CRISIS


# Method seeking about self-injury (the issue's class 1): ways to injure
# oneself, to make it bleed, to hide it, asked flatly or as a general
# "how do you"; questions about self-harm as a topic and ordinary first aid
# stay calm.
@pytest.mark.parametrize(
    "text",
    [
        "what's an easy way to fracture my own finger",
        "how do I make my arm bruise without hitting anything obvious",
        "how do you conceal self-harm from a school nurse",
        "how can I hide fresh cuts from my boyfriend",
        "tips for making cuts bleed more",
        # other verbs for the same request (session 13)
        "is there a way to cause nerve damage to my own hand",
        "how could someone give themselves a concussion, asking for me",
        "how do I give myself an infection bad enough for the ER",
        "best way to inflict pain on myself that nobody notices",
        "how do I cover up the burns on my arm so my coach doesn't see",
        "self-strangling, how long until you pass out",
        "where can I cut so it won't show at the pool",
    ],
)
def test_asking_how_to_injure_oneself_or_hide_it_escalates(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "how do you support a teen who self-harms?",
        "what's the best way to avoid injuring myself when I start running again",
        "how do I cover a scar from my knee surgery",
        "how do I keep from burning myself out as a caregiver",
        "how do I avoid causing damage to my knees when I run",
        "what causes self-inflicted injuries in teenagers?",
    ],
)
def test_self_harm_as_a_topic_and_first_aid_stay_calm(text):
    assert assess(text).level != CRISIS


# Asking for a way to die or to overdose, worded about people in general or
# put to the assistant ("can you tell me..."), or asking how to push someone
# else into it (session 20); the same words as a topic stay calm.
@pytest.mark.parametrize(
    "text",
    [
        "how does a person hang themselves",
        "quickest way to drown yourself?",
        "ways to suffocate yourself in your sleep",
        "is there a way to overdose so it looks accidental",
        "can you explain how to overdose on my sleeping pills",
        "how can I do self-harm so nobody sees marks",
        "how do I get my ex to kill himself",
        "how can I manipulate him into self harming",
    ],
)
def test_asking_for_a_way_to_die_or_to_harm_escalates(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "how do you treat self-harm in teenagers?",
        "can you tell me how to write about suicide safely for our newsletter",
        "how can someone recover from an overdose?",
        "how do I talk to my son about suicide",
        "how do you tell if someone is thinking of killing themselves?",
        "what makes people want to hurt themselves?",
    ],
)
def test_how_to_questions_about_the_topic_stay_calm(text):
    assert assess(text).level != CRISIS


def test_a_denial_with_rather_than_is_still_a_denial():
    assert assess("I would never kill myself rather than ask for help").level == AMBIGUOUS


@pytest.mark.parametrize(
    "text",
    [
        "I attempted in 2019 and I'm stable now",
        "I used to self-harm as a teenager, 6 years clean now",
        "after my overdose three years ago I got sober, do you have alumni groups?",
        # ages then and now, school grades, Spanish, and ordinary present life
        "I tried to kill myself at 17. I'm 40 now and I still go to meetings, any evening groups?",
        "I cut myself in ninth grade. I want to tell my own kids about it, any advice?",
        "hace cinco años intenté quitarme la vida. hoy estoy bien y quiero ser voluntaria",
        # a survivor, a former self-harmer, "sober N years after", "N now", seasons past
        "I'm an overdose survivor and I mentor people in my church group now. Any volunteer spots?",
        "Former self-harmer and attempt survivor here. Stable since my twenties. DBT groups?",
        "sober six years after my second overdose, looking for a group for my brother",
        "made an attempt at 15. 28 now and married, want a refresher group",
        "my daughter took too many pills last fall, she's stable now with her therapist",
        "mi hermano se cortaba a los 15, ahora tiene 30 y está bien. ¿tienen grupos familiares?",
        "cuando yo tenía 16 intenté matarme. Ahora soy maestra y quiero ayudar a mis alumnos",
    ],
)
def test_history_told_as_history_does_not_escalate(text):
    assert assess(text).level == NONE


def test_a_finished_note_escalates_and_a_note_to_someone_does_not():
    assert assess("already wrote my note. what else do I need to do").level == CRISIS
    assert assess("I wrote my note to the landlord about the broken heater").level != CRISIS


def test_history_with_present_risk_escalates():
    assert assess("I attempted years ago and lately I'm thinking about it again").level == CRISIS
    # "since last winter" runs up to now
    assert assess("been burning my legs since last summer and it's worse now").level == CRISIS
    assert (
        assess("I'm a suicide attempt survivor and the thoughts are back tonight").level == CRISIS
    )
    assert assess("Sober 3 years after an overdose. I have all my pills out right now").level == (
        CRISIS
    )
    assert assess("I used to cut but lately the urges are back").level == CRISIS
    assert assess("my attempt was in 2020 and recently the thoughts came back").level == CRISIS
    assert assess("I tried to kill myself at 17. I'm 40 now and I still think about it").level == (
        CRISIS
    )


def test_an_attempt_at_something_named_is_not_a_suicide_attempt():
    # "attempted yoga ... lately" once read as a past attempt coming back.
    text = "I attempted yoga and journaling, but lately I just feel flat"
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "do you treat self-harm?",
        "does the program help people with suicidal thoughts?",
        "what is your policy if someone in group is suicidal?",
        # named by what they ask about, whatever word they start with
        "suicide warning signs in teenage boys?",
        "risk factors for suicide after rehab, for a class presentation?",
        "estadisticas de suicidio en adolescentes?",
    ],
)
def test_questions_about_services_do_not_escalate(text):
    assert assess(text).level == NONE


def test_negated_generic_mention_does_not_escalate():
    assert assess("I'm not suicidal, just really stressed about work").level == NONE


def test_negated_or_hypothetical_first_person_asks_instead():
    assert assess("I'm not going to kill myself but I don't know what to do").level == AMBIGUOUS
    assert assess("what if I feel suicidal during the program?").level == AMBIGUOUS


# Two risks joined by "or" share the denial; effort against an urge ("trying
# so hard not to") is the urge, not a denial; "or" after a threat is not.
@pytest.mark.parametrize(
    "text, level",
    [
        ("no thoughts at all of ending my life or hurting myself, just anxious", AMBIGUOUS),
        ("i don't want to die or hurt myself, i just need sleep", AMBIGUOUS),
        ("i'm trying so hard not to hurt myself tonight", CRISIS),
        ("fighting not to cut myself right now", CRISIS),
        ("i can't take it or i'll kill myself", CRISIS),
    ],
)
def test_a_denial_covers_what_or_joins_and_effort_is_not_a_denial(text, level):
    assert assess(text).level == level


def test_a_blade_held_now_is_a_crisis_and_shopping_for_razors_is_not():
    assert assess("i'm holding a razor right now").level == CRISIS
    assert assess("staring at the blade in my drawer again").level == CRISIS
    assert assess("which razor brand is best for sensitive skin?").level == NONE


# Spanish denials ("nunca", "ni") are denials; a condition ("si no me
# corto...") or a struggle to stop ("no puedo dejar de cortarme") is not
# (session 20).
@pytest.mark.parametrize(
    "text",
    [
        "jamás he querido quitarme la vida, solo estoy muy cansada",
        "ni pienso en matarme ni nada, es el estrés del trabajo",
    ],
)
def test_a_spanish_denial_is_asked_about_not_handed_off(text):
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "no puedo dejar de lastimarme, ya van tres noches",
        "la voz dice que si no me corto le va a pasar algo a mi hermana",
    ],
)
def test_a_spanish_condition_or_struggle_is_not_a_denial(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "I just feel so hopeless lately",
        "I can't do this anymore",
        "what's even the point",
        "ya no aguanto",
    ],
)
def test_distress_without_explicit_risk_is_ambiguous(text):
    assert assess(text).level == AMBIGUOUS


@pytest.mark.parametrize(
    "text",
    ["I feel so alone lately", "i cant stop crying", "honestly I feel like such a failure"],
)
def test_feelings_alone_are_read_as_feelings_not_as_risk(text):
    assert assess(text).level == FEELINGS


def test_feelings_with_hopelessness_or_entrapment_are_still_asked_about():
    assert assess("I feel so alone and what's even the point").level == AMBIGUOUS
    assert assess("I feel so trapped").level == AMBIGUOUS
    assert assess("i cant stop crying. i want to die").level == CRISIS
    assert assess("I'm not lonely, I just want to know the schedule").level == NONE


def test_media_mentions_do_not_escalate():
    assert assess("in the book we read the main character kills himself").level == NONE
    # a thesis or an essay about it, in Spanish too (session 20)
    assert assess("mi tesis es sobre el suicidio en la literatura del siglo XIX").level == NONE
    assert assess("writing a dissertation on suicide in rural towns, any data?").level != CRISIS
    # a story's ending, a stage play; "ending it" is not an ending
    assert (
        assess("the sad ending where she takes her own life stayed with me all week").level == NONE
    )
    assert assess("our school play is about a boy who dies by suicide").level == NONE
    assert assess("the ending is near, I'm ending it tonight").level == CRISIS
    # the writer's own wish beside a work: what it made them want, or the
    # wish with its "i" dropped; a character's wish stays a mention
    assert assess("this song makes me want to end it all").level == CRISIS
    assert assess("watched a movie alone, want to end it all tonight").level == CRISIS
    assert assess("in the movie the character wants to end it all").level == NONE


def test_category_names_the_most_actionable_risk():
    assert assess("my daughter took all her pills").category in {"overdose_medical", "third_party"}
    assert assess("my son said he wants to die").category == "third_party"


def test_normalise_expands_sms_spelling_and_accents():
    assert normalise("Im gonna DIE, dont wanna líve") == "i am going to die, do not want to live"


@pytest.mark.parametrize("text", ["", " ", "\x00\x01", "🙂" * 500, "a" * 20000])
def test_odd_input_never_raises(text):
    assert assess(text).level in {CRISIS, AMBIGUOUS, NONE}


# --- generalisation mechanisms (behaviour on messages) -----------------------


@pytest.mark.parametrize(
    "text",
    [
        "gonna su!c!de",  # symbols for letters
        "i want to s*icide",  # masked letter
        "k m s",  # spaced letters
        "i want to dieee",  # stretched word
        "$uicide tonight",
        "i might sh tonight",  # "sh" used as a verb
        "had an sh relapse",  # ... and as a noun
        "im so done w life",  # SMS "w"
    ],
)
def test_obfuscated_and_sms_spellings_escalate(text):
    assert assess(text).level == CRISIS, text


def test_filler_words_do_not_hide_risk():
    assert assess("i dont really want to be alive anymore tbh").level == CRISIS
    assert assess("i could really hurt someone tonight").level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "my teen son said everyone would be better off if he was dead",
        "my wife says she wishes she was dead",
        "my brother said he doesn't see a future where he's alive",
    ],
)
def test_someone_elses_words_are_read_as_a_third_party_crisis(text):
    result = assess(text)
    assert result.level == CRISIS and result.category == "third_party", (text, result)


def test_conditional_about_someone_else_in_an_advice_question_asks_not_alarms():
    assert assess("if my friend says she wants to kill herself, what should I do?").level != CRISIS
    # ...but a threat whose trigger is the writer's own action is real
    assert assess("my boyfriend is threatening to kill himself if I leave").level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "what are the risk factors for overdose after leaving rehab?",
        "how do I know if my teenager is cutting?",
        "is it normal for teens to joke about kms?",
    ],
)
def test_general_information_questions_do_not_escalate(text):
    assert assess(text).level != CRISIS


def test_research_by_the_writer_is_not_a_media_mention():
    assert assess("I've been reading about which pills are the most lethal").level == CRISIS
    assert assess("I'm writing an essay on overdose deaths in our county for school").level == NONE


@pytest.mark.parametrize(
    "text",
    [
        "I got a gun so I can end things",
        "i counted my pills and i have 90, that should be enough",
        "I've been keeping all my leftover meds in a box under my bed for when I'm ready",
    ],
)
def test_means_plus_intent_anywhere_in_the_message_is_a_plan(text):
    assert assess(text).level == CRISIS, text


@pytest.mark.parametrize(
    "text",
    [
        "i was suicidal after my divorce but that's behind me now, I want help with my drinking",
        "I used to want to die every day, therapy and meds changed that, I'm ok now",
        "Twelve years ago I wrote a suicide note and my sister found it in time. I'm in a much"
        " better place today.",
        "Attempted suicide at 16, now 34, doing well",
        # stable said with an intensifier
        "My son attempted suicide in high school and he is doing really well at college, and"
        " now it's me who needs support.",
    ],
)
def test_past_risk_said_to_be_over_is_history(text):
    assert assess(text).level == NONE, text


# A word of the present ("today", "this week", "keep") in a sentence that says
# nothing of risk does not undo the history: before, any "today" anywhere did.
# (Past risk with "again", "recently" or "tonight" anywhere is still read as
# coming back: history.recurrence, unchanged.)
@pytest.mark.parametrize(
    "text",
    [
        "I overdosed on my mom's sleeping pills when I was 19. Today I'm 31 and I coach"
        " little league. Do you have weekend groups?",
        "My suicide attempt was in 2014. This week I started a new job and the stress is a lot,"
        " is IOP too much for that?",
        "Eight years ago I tried to end my life. I keep a journal now and I want a group for"
        " anxiety.",
        "Cut myself all through high school. That was 2012. Last month I moved here and I'm"
        " looking for evening groups.",
        # an anniversary dates the past; plans of an ordinary life
        "Six years ago tonight I tried to end my life. I'm stable, married, and I run a peer"
        " group now.",
        "Two suicide attempts in college. I'm 30 now and I'm about to graduate from my masters.",
        "I overdosed at 20. I'm 33 now, doing well, and I'm considering going back to therapy.",
    ],
)
def test_a_present_word_away_from_the_risk_keeps_the_history(text):
    assert assess(text).level == NONE, text


@pytest.mark.parametrize(
    "text",
    [
        # the time of the present is in the sentence about the risk
        "I overdosed in 2016. Tonight I have the pills counted out again.",
        "Two attempts in my twenties. Right now I can't stop thinking about dying.",
        # an intent said anywhere ends the frame
        "I attempted at 17. I'm 40 now. I'm going to do it this weekend.",
        "I attempted at 17. I'm 40 now and I'm about to do it again.",
        "Six years ago tonight I tried to end my life. Tonight I have the pills out.",
        "I overdosed at 20. I'm 33 now and I'm considering taking all of them tonight.",
        # a wrong done to the writer long ago, and harm planned now
        "my uncle hurt me when I was a kid and never paid for it. I know where he lives and"
        " tonight I finish it.",
    ],
)
def test_a_present_word_with_the_risk_ends_the_history(text):
    assert assess(text).level == CRISIS, text


def test_a_misspelling_pattern_does_not_take_the_right_spelling():
    # "suicide prevention" is excluded from the word's own pattern; the
    # misspelling pattern ("sucide", "s1cide") took it back as a crisis.
    assert (
        assess("I need suicide risk screening tools for my clinic, do you share them?").level
        == NONE
    )
    assert assess("thinking of sucide tonight").level == CRISIS


def test_recent_attempt_is_not_history():
    assert assess("our daughter attempted last night and is in the ER").level == CRISIS
    assert assess("I was doing better but now I want to die").level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "my phone's about to die, can you call me back?",
        "I need to cancel Friday, I picked a date for my knee surgery",
        "I never overdosed, I just want to learn about narcan",
    ],
)
def test_everyday_uses_of_risk_words_do_not_escalate(text):
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "je ne veux plus vivre",
        "não quero mais viver",
        "meu marido me bate",
        "tomei muitos comprimidos",
        "je vais le tuer",
        "me estoy cortando otra vez",
    ],
)
def test_french_and_portuguese_basics_escalate(text):
    assert assess(text).level == CRISIS, text


def test_history_frame_covers_only_the_sentences_told_in_the_past():
    assert assess("My wife left me last year. I bought a gun and I wrote my note.").level == CRISIS
    assert (
        assess("I got divorced in 2019. Everyone would be better off without me.").level == CRISIS
    )
    assert (
        assess("I attempted suicide in 2015. I'm stable now and want help with anxiety.").level
        == NONE
    )
    assert (
        assess(
            "Quick background: two suicide attempts (2011, 2014), lots of therapy since,"
            " currently stable."
        ).level
        == NONE
    )


def test_a_death_that_already_happened_to_someone_else_is_loss_not_crisis():
    assert (
        assess("My friend's brother killed himself and she's devastated, how do I help her?").level
        != CRISIS
    )
    assert assess("my son tried to kill himself last night").level == CRISIS


def test_questions_about_a_named_person_are_not_questions_about_services():
    assert assess("is it normal that my 13 year old says she wants to be dead?").level == CRISIS
    assert assess("is it normal to want to not wake up every day?").level == CRISIS
    assert assess("How do I talk to my teenager about suicide prevention?").level == NONE
    assert assess("Is it OK to mention self-harm history during intake?").level == NONE


def test_professionals_referring_patients_are_not_in_crisis():
    assert (
        assess("I'm a nurse referring a patient after an overdose, what is your fax?").level == NONE
    )


@pytest.mark.parametrize(
    "text",
    [
        "I'm sitting in my car in the garage with the engine on",
        "I looked up how long it takes to bleed out",
        "my son just texted me a picture of pills with the words im sorry",
        "everything would be simpler if I wasn't around",
        "I keep sharpening my knife thinking about my neighbor",
        "my uncle won't stop coming into the bathroom when I shower and says I can't tell",
    ],
)
def test_indirect_wording_of_a_plan_or_danger_escalates(text):
    assert assess(text).level == CRISIS, text


@pytest.mark.parametrize(
    "text",
    [
        "SI is really bad today",
        "having active SI with a plan",
        "sui thoughts again",
        "me and the bridge got a date tonight",
        "my kid's been saying they want to die for weeks",
    ],
)
def test_shorthand_and_internet_wording_escalate(text):
    assert assess(text).level == CRISIS, text


@pytest.mark.parametrize(
    "text",
    [
        "SI, GRACIAS",
        "thanks, bye everyone",
        "that lasagna was to die for",
        "I'm going to take all my classes online this semester",
        "I have a plan for my recovery",
    ],
)
def test_shorthand_and_everyday_phrases_do_not_escalate(text):
    assert assess(text).level == NONE, text


@pytest.mark.parametrize(
    "text",
    [
        "gonna hurt my stepdad tonight istg not kidding",
        "no joke i'm going to kill the guy who did this to my sister",
        "im not joking i will hurt him when he gets home",
    ],
)
def test_insisting_it_is_no_joke_is_a_threat(text):
    """ "Not kidding" says the opposite of "lol": the joke frame must not drop it."""
    result = assess(text)
    assert result.level == "crisis", result
    assert result.category == "harm_others"


@pytest.mark.parametrize(
    "text",
    [
        "i'd be doing everyone a favor by not being here",
        "my family would get a favour if i just disappeared for good",
    ],
)
def test_being_gone_as_a_favor_to_others_is_passive_ideation(text):
    assert assess(text).level == "crisis"


# Spanish said indirectly (session 13): the screen had caught one Spanish
# crisis in five of the risk data's; the risk model was the only reader.
@pytest.mark.parametrize(
    "text",
    [
        "a veces pienso que nadie lo notaria si me muero",
        "ojala me muriera dormida y ya",
        "me sigo cortando aunque me prometi parar",
        "ya tengo mis pastillas guardadas para el sabado",
        "como morir sin dolor, es para saber",
        "mi tio se tomo algo y no despierta",
        "mi ex dice que me va a matar si lo dejo",
    ],
)
def test_spanish_said_indirectly_escalates(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "mi hija me dijo que ojala me muriera en una pelea, no lo dijo en serio",
        "como se si mi hijo se esta cortando? no he visto nada",
        "mi bebe no despierta de la siesta hasta las 4, es normal?",
        "depilacion sin dolor, tienen info?",
    ],
)
def test_spanish_look_alikes_stay_calm(text):
    assert assess(text).level != CRISIS


# Spanish warning-sign classes the screen alone had missed (session 16): a
# lethal amount or height asked for, the whole box taken, "too much" of a drug,
# worth more dead, a shot or a stabbing announced, belongings handed out.
@pytest.mark.parametrize(
    "text",
    [
        "cuantas pastillas de dormir serian mortales para alguien de mi peso",
        "que cantidad de insulina es una dosis letal",
        "cuantos pisos hacen falta para no sobrevivir una caida",
        "me trague todo el frasco de clonazepam hace rato",
        "creo que se me paso la mano con el perico, el corazon me late rarisimo",
        "mi familia estaria mejor sin mi, de verdad lo pienso",
        "ya no quiero volver a despertar",
        "le voy a meter un balazo al que me robo",
        "ya reparti mis cosas entre mis primos",
        "tengo la navaja aqui en la mano otra vez",
    ],
)
def test_spanish_warning_signs_escalate(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "se me paso la mano con la sal en los frijoles",
        "el fentanilo es mortal en dosis pequenas, lo vi en las noticias",
        "quiero que mi perrita pueda morir sin sufrir, ya esta muy viejita",
        "le regale mi ropa vieja a la iglesia",
        "cuantos pisos tiene el edificio de la clinica?",
        "como tirarme en paracaidas por primera vez",
    ],
)
def test_spanish_look_alikes_of_those_stay_calm(text):
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    ["no me busquen el lunes, estoy de viaje", "este es mi ultimo mensaje por hoy"],
)
def test_spanish_farewells_with_ordinary_uses_are_asked_about(text):
    assert assess(text).level == "ambiguous"


# Said bare, or two farewells together, they are a farewell (session 30).
@pytest.mark.parametrize(
    "text",
    ["no me busquen, ya me despedi de todos", "este es mi ultimo mensaje"],
)
def test_spanish_farewells_said_bare_or_together_are_handed_off(text):
    assert assess(text).level == CRISIS


# A farewell for good said to whoever reads it: asked about (an angry or
# dramatic sign-off says the same words); one that says until when, or what
# it is the last of, is an ordinary sign-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("ok. u wont hear from me again", "ambiguous"),
        ("nobody is gonna hear from me anymore", "ambiguous"),
        ("final message ever, thanks for being kind", "ambiguous"),
        ("logging off for the final time", "ambiguous"),
        ("this is the final time we will talk, so thank you", "ambiguous"),
        ("this is my last text to anyone", CRISIS),
        ("you won't hear from me again until after the holidays", "none"),
        ("the last time we talked you gave me a number", "none"),
        ("this is my last message for today, thanks", "none"),
        ("this is the last day of my program, what comes after?", "none"),
        ("sorry this is my last text i promise, are you open saturdays", "none"),
    ],
)
def test_farewells_for_good_are_asked_about_and_sign_offs_stay_calm(text, level):
    assert assess(text).level == level


# Someone else's death by an overdose named with its drug, or overdoses in the
# plural, is a loss (asked about), like "died of an overdose"; an overdose
# happening now, even called "his overdose", stays a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("my cousin died from a heroin overdose and i cant stop crying", "ambiguous"),
        ("our town lost four teenagers to overdoses this year", "ambiguous"),
        ("my aunt passed away from an overdose in the spring, i miss her", "ambiguous"),
        ("my sister passed out from an overdose and is barely breathing", CRISIS),
        # Spanish: a death told in the past is asked about; one just found is a hand-off
        ("un maestro de la escuela de mi hija se suicidó, cómo se lo explico", "ambiguous"),
        ("mi hermano se acaba de quitar la vida, lo encontré en su cuarto", CRISIS),
        ("his overdose is bad, he won't wake up", CRISIS),
        ("my friend's overdose is happening what do i do", CRISIS),
    ],
)
def test_a_death_by_overdose_is_a_loss_and_an_overdose_now_a_crisis(text, level):
    assert assess(text).level == level


# A boss or a teacher who "will kill me" over lateness, dying "of laughter"
# or "of embarrassment", a job or the traffic "killing me": idioms. The same
# words about a partner, or with fear, wanting to die said plainly, or "de
# pena" (sorrow in much of the Spanish-speaking world) stay a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("mi jefe me va a matar si llego tarde otra vez", "none"),
        ("la maestra me va a matar si no entrego la tarea", "none"),
        ("mi esposo me va a matar si se entera que escribi", CRISIS),
        ("me va a matar, tengo mucho miedo", CRISIS),
        ("me muero de risa con los memes que me manda mi hermano", "none"),
        ("me quiero morir de la verguenza, llegue tarde a la entrevista", "none"),
        ("el trafico de la mañana me esta matando, hay grupos en la tarde?", "none"),
        ("me quiero morir de pena desde que se fue mi esposa", CRISIS),
        ("me quiero morir, ya no puedo con esto", CRISIS),
        ("mi gato me va a matar de un susto, se subio al refri", "none"),
        ("la cuenta de la luz me va a matar este mes", "none"),
    ],
)
def test_spanish_idioms_of_killing_and_dying(text, level):
    assert assess(text).level == level


# The risk people in general have ("más riesgo de suicidio") and homework
# about it name a subject; someone "en riesgo" now does not.
@pytest.mark.parametrize(
    "text, level",
    [
        ("¿es verdad que los adolescentes tienen más riesgo de suicidio en invierno?", "none"),
        ("necesito ayuda con mi tarea sobre el suicidio en la literatura", "none"),
        ("mi hermano esta en alto riesgo de suicidio, lo acaban de dar de alta", CRISIS),
        ("estoy en riesgo de suicidio esta noche", CRISIS),
    ],
)
def test_spanish_suicide_risk_as_a_subject_and_someone_at_risk_now(text, level):
    assert assess(text).level == level


# Spanish questions about prevention, warning signs or a documentary are
# questions, as in English (the question, service and media frames had
# English words only).
@pytest.mark.parametrize(
    "text",
    [
        "cuales son las senales de alerta del suicidio en adolescentes",
        "vi un documental sobre el suicidio en japon, es cierto que las tasas son altas?",
        "en la telenovela el personaje se suicida, por que siempre ponen eso?",
    ],
)
def test_spanish_prevention_and_media_questions_are_not_handed_off(text):
    assert assess(text).level != CRISIS


# A method asked for "for a novel" or "for a documentary" is method seeking:
# the media frame drops a mention, never a request for a method or a dose.
@pytest.mark.parametrize(
    "text",
    [
        "I'm writing a novel and my character wants to end her life painlessly. What method"
        " would be most realistic and quick?",
        "estoy escribiendo una novela, mi personaje se quiere matar. que metodo seria el mas"
        " rapido?",
        "es normal querer suicidarse todos los dias?",
    ],
)
def test_a_method_asked_for_a_story_is_still_a_crisis(text):
    assert assess(text).level == CRISIS


# Method seeking in other words: poisons swallowed or injected, one's own
# medicine taken in excess on purpose, an injury done "deliberately", wounds
# or their evidence hidden so nobody notices, self-harm "engaged in", how
# long until a body is found, how many of something it takes to die.
@pytest.mark.parametrize(
    "text",
    [
        "thinking of swallowing the rat poison in the garage",
        "i want to inject myself with bleach",
        "could i deliberately take my prescribed pills excessively and sleep forever",
        "best way to deliberately break my own wrist so it looks like an accident",
        "need to conceal the evidence of self-burning before the pool party",
        "ways to hide the cuts on my thigh without my coach noticing",
        "how could someone practice self-harm where it won't show",
        "how long after a person hangs themselves do they usually get found?",
        "how many sleeping pills does it take to die",
    ],
)
def test_methods_in_other_words_are_a_crisis(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "how much flour does it take to make two loaves?",
        "my kid swallowed a penny, is that an emergency?",
        "I deliberately left my phone at home this weekend",
        "how to hide acne marks on my face with makeup",
        "how long does it take for insurance to find my records after I switch plans?",
    ],
)
def test_look_alikes_of_those_methods_stay_calm(text):
    assert assess(text).level != CRISIS


# Passive ideation said as doubt about living: asked about, not handed off.
@pytest.mark.parametrize(
    "text",
    [
        "lately i'm kind of ambivalent about being alive",
        "some nights i ask myself whether my life is worth living",
        "there doesn't seem to be any way out of this for me",
    ],
)
def test_doubt_about_living_gets_the_question(text):
    assert assess(text).level == "ambiguous"


# Words of danger used for something else: a past "today was the day" told
# as a story, forgiving someone who hurt the writer long ago, feeling "as if
# attacked" in an argument, attempts at something named.
@pytest.mark.parametrize(
    "text",
    [
        "today was the day I finally asked for a raise and it went great",
        "how do I stop resenting someone who hurt me in high school?",
        "when my sister criticizes me I feel like I'm being attacked",
        "our attempts at couples counseling haven't worked lately",
    ],
)
def test_past_stories_and_similes_are_not_danger(text):
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "today is the day, I've made up my mind",
        "my stepdad hurt me again tonight",
        "I was attacked outside my building an hour ago",
        "I attempted at 16 and lately the thoughts are coming back",
    ],
)
def test_the_same_words_said_of_now_stay_a_crisis(text):
    assert assess(text).level == CRISIS


# Method details asked as general questions: the tool or the depth for
# self-inflicted wounds, "a method of" overdosing, a means named for the act,
# throwing oneself from a height or impaling oneself said as a fragment,
# pushing someone into suicide asked about anyone.
@pytest.mark.parametrize(
    "text",
    [
        "what sorts of blades would someone use for self-inflicted cuts",
        "the safest angle for self-inflicted cuts?",
        "is there a method of overdosing that looks natural",
        "what happens to the body when using a rope to commit suicide?",
        "hurling myself from the parking garage roof tonight",
        "impaling myself is all I think about",
        "what would you say to drive a coworker into suicide",
        "best rumors to spread to make her kill herself",
        "ways to induce a concussion in myself",
    ],
)
def test_method_details_asked_in_general_are_a_crisis(text):
    assert assess(text).level == CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "what methods of suicide prevention work in schools?",
        "the ideal temperature for a bath to relax sore muscles",
        "what kinds of tools could you use to fix a leaky faucet",
        "my daughter is being bullied at school and she seems withdrawn",
    ],
)
def test_look_alikes_of_method_details_stay_calm(text):
    assert assess(text).level != CRISIS


# Risk told as history: a word of the present in a sentence about something
# else ("I recently started a new job") is not the risk coming back; a time
# of something happening now ("tonight") is, wherever it stands.
@pytest.mark.parametrize(
    "text",
    [
        "I made two suicide attempts in my twenties, both over a decade ago. I've been"
        " stable for years. I recently started a new job and want a weekly group.",
        "When I was seventeen I took an overdose. I'm 40 now and doing well. Do you have"
        " an evening group for anxiety?",
        "My sister attempted in 2016 and has been stable since. Right now she is looking"
        " for a program for her panic attacks.",
    ],
)
def test_history_with_ordinary_present_news_is_not_a_crisis(text):
    assert assess(text).level != CRISIS


@pytest.mark.parametrize(
    "text",
    [
        "My son has a history of self-harm but he's been doing well for two years. Tonight"
        " he locked himself in his room after a fight and won't answer me.",
        "I attempted years ago and I'm mostly stable, but lately I keep thinking about"
        " doing it again.",
    ],
)
def test_history_with_something_happening_now_stays_a_crisis(text):
    assert assess(text).level == CRISIS


# A heart attack feared during a panic attack, or someone's past one, is not
# a medical emergency now; one happening now is.
@pytest.mark.parametrize(
    "text, level",
    [
        ("during my last panic attack I thought I was having a heart attack", "none"),
        ("my grandfather died of a heart attack when I was ten", "none"),
        ("my mom is having a heart attack, she can't breathe", CRISIS),
    ],
)
def test_a_heart_attack_now_is_an_emergency_a_feared_one_is_not(text, level):
    assert assess(text).level == level


# Spanish history: a remote time ("el año pasado", "en la prepa", "de
# chavo") and being well now ("estoy bien", "llevo 3 años limpio") tell the
# risk as the past; the risk said again now stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("intenté suicidarme en la prepa, ahora estoy bien y estudio enfermería", "none"),
        ("mi hermano tuvo una sobredosis el año pasado y lleva ocho meses limpio", "none"),
        ("hace 5 años intenté suicidarme y ahora estoy pensando en hacerlo otra vez", CRISIS),
        ("el año pasado me corté y esta noche tengo las navajas listas", CRISIS),
        ("cuando me siento mal me quemo con el encendedor", CRISIS),
        ("me queme con la plancha sin querer, necesito ir al doctor?", "none"),
    ],
)
def test_spanish_history_is_told_as_the_past(text, level):
    assert assess(text).level == level


def test_spanish_thats_fine_is_not_being_well_now():
    # A farewell with "hace años" in it: "así está bien" ("that's fine") must
    # not make it history, whose doubt would hold off the risk model's hand-off.
    text = (
        "Le devolví a mi hermano lo que le debía desde hace años. Ya dejé todo"
        " listo en mi cuarto. Nadie sospecha nada y así está bien."
    )
    assert "history" not in [reason.value for reason in assess(text).suppressed]


# An age then and an age now in different sentences ("tried at 14. I'm 17
# now") tell the sentence with the younger age as the past; the same story
# with no age now, or with something happening now, stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("tried to end my life at 15. im 22 now and honestly doing great. evening groups?", NONE),
        (
            "My brother overdosed at 19. He is 27 now and works as a mechanic. Do you take"
            " Medicaid?",
            NONE,
        ),
        ("I tried to end my life at 15. Everything since has been a blur.", CRISIS),
        ("I am 22. Tonight I am going to end my life.", CRISIS),
        ("my son overdosed at 19. he is 27 now and he overdosed again tonight", CRISIS),
    ],
)
def test_an_age_then_and_an_age_now_tell_the_past(text, level):
    assert assess(text).level == level


# A person who "came back from" a deployment or will "come back for" a few
# sessions is not risk coming back; the thoughts coming back still are.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "My dad attempted suicide after he came back from Afghanistan in 2011. He has"
            " been stable for over a decade. Do you run family groups?",
            NONE,
        ),
        (
            "I overdosed in 2019 and did your program. I've been clean since 2020 and I'd like"
            " to come back for a few refresher sessions.",
            NONE,
        ),
        (
            "I attempted in 2015 and was stable for years, but the thoughts came back this"
            " week and I'm scared.",
            CRISIS,
        ),
    ],
)
def test_coming_back_from_somewhere_is_not_risk_coming_back(text, level):
    assert assess(text).level == level


# A denial told as a screening result ("denies thoughts of suicide", "cero
# ideas suicidas"), and risk someone else asked about or feared that was
# answered no, get the question at most; the same question answered yes, or
# with no answer, stays a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("Referral: the client denies suicidal thoughts and wants help with drinking.", AMBIGUOUS),
        ("cero ideas suicidas, solo mucho estres con el trabajo", NONE),
        (
            "My girlfriend keeps asking if I'm going to hurt myself. I told her no, I'm"
            " burned out from work.",
            AMBIGUOUS,
        ),
        (
            "My dad is scared that I'm going to kill myself because I quit school. I'm not,"
            " I just need a plan.",
            AMBIGUOUS,
        ),
        ("The school nurse asked if I wanted to die and I said yes.", CRISIS),
        ("my therapist asked whether i was thinking of killing myself. i was. i still am", CRISIS),
        ("Sometimes I think I'm going to hurt myself tonight.", CRISIS),
        ("My counselor asked about it and I told her I want to kill myself.", CRISIS),
    ],
)
def test_risk_asked_about_and_answered(text, level):
    assert assess(text).level == level


# A denial inside the words a pattern found ("he's not talking about hurting
# himself", "he never hit us") is a denial; the same words with a first time
# ("never hit me before tonight") or without the negation stay a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "My son has been down since the move, but he's not talking about hurting himself"
            " and his therapist checks every week.",
            AMBIGUOUS,
        ),
        ("My stepdad drank a lot. He never hit us, but the yelling was constant.", AMBIGUOUS),
        ("he never hit me before tonight. now he has and he is still yelling", CRISIS),
        ("my son keeps talking about hurting himself", CRISIS),
    ],
)
def test_a_denial_inside_the_matched_words_is_a_denial(text, level):
    assert assess(text).level == level


# In Spanish, a death "por suicidio" or "por sobredosis" is a loss (asked
# about), and rates, talks or workshops "de suicidio" name a subject; the
# same words about the writer now stay a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("Mi compañero perdió a su hermano por suicidio y está destrozado.", AMBIGUOUS),
        (
            "Leí que los bomberos tienen tasas muy altas de suicidio. ¿Tienen grupos para ellos?",
            NONE,
        ),
        ("Queremos organizar un taller sobre suicidio para padres en la parroquia.", NONE),
        ("El distrito nos pidió un curso sobre depresión y suicidio para los maestros.", NONE),
        ("Imprimí una lista de señales de alerta de suicidio para la junta de padres.", NONE),
        ("Estoy pensando en el suicidio todos los días.", CRISIS),
        ("Ya leí todo sobre el suicidio y esta noche lo voy a hacer.", CRISIS),
    ],
)
def test_spanish_losses_and_subjects_are_not_handed_off(text, level):
    assert assess(text).level == level


# A heart attack is an emergency when it is happening; someone's past one, or
# one a panicking writer is sure of every time, is not. A heart attack wished
# for, or a death made to look like one, is a crisis in its own right.
@pytest.mark.parametrize(
    "text, level",
    [
        ("my grandpa is having a heart attack, what do i do", CRISIS),
        (
            "Since my father's heart attack last spring he won't leave the house. Do you have"
            " family groups?",
            NONE,
        ),
        (
            "Every time my chest gets tight I'm convinced I'm having a heart attack, but the ER"
            " always says it's panic.",
            NONE,
        ),
        ("lately i keep hoping for a heart attack so i don't have to wake up", CRISIS),
        ("what could I put in his coffee that would look like a heart attack", CRISIS),
        ("I had bypass surgery in May. When I woke up in the ICU I was disappointed.", CRISIS),
        ("Honestly I'm jealous of people who get to die young.", CRISIS),
    ],
)
def test_a_heart_attack_now_wished_for_or_faked(text, level):
    assert assess(text).level == level


# Kitchen burns and cuts, a daily pill count, a machine "strangled", coffee
# "overdoses", sports drills and a parent who "will kill me" over grades are
# everyday talk; the same injury with a tool or intent, pills taken by
# accident, or a parent's threat about telling stay a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("burned my hand grabbing a pan off the stove, butter or cold water?", NONE),
        ("me corte picando cebolla, necesito puntos?", NONE),
        ("sliced my finger chopping carrots, how long do i press on it", NONE),
        ("My grandmother takes 9 pills a day. Can someone review her medications?", NONE),
        ("ready to strangle my printer, can i email the intake form instead", NONE),
        ("overdosed on coffee this morning lol, what time is group", NONE),
        ("mi mama me va a matar cuando vea mis calificaciones jaja", NONE),
        ("I burned my arm with a lighter on purpose last night", CRISIS),
        ("i keep burning myself on the stove and saying it was an accident", CRISIS),
        ("I took too many of my pills by accident and feel dizzy", CRISIS),
        ("my dad is going to kill me if I tell anyone what he does", CRISIS),
    ],
)
def test_everyday_accidents_and_idioms_stay_calm(text, level):
    assert assess(text).level == level


# "Zero reasons to live" and "cero ganas de vivir" say what "no reason to
# live" says; a medication list someone is on is not pills taken tonight.
@pytest.mark.parametrize(
    "text, level",
    [
        ("honestly i have zero reasons to live", CRISIS),
        ("cero ganas de seguir viviendo", CRISIS),
        ("zero thoughts of suicide, just a lot of stress", AMBIGUOUS),
        ("My mother takes about 12 medications, can your nurse review them?", NONE),
        ("I took several medications tonight so I won't wake up", CRISIS),
    ],
)
def test_zero_reasons_to_live_and_a_medication_list(text, level):
    assert assess(text).level == level


# Spanish past risk said to be over is history, as in English: an attempt
# or an overdose had ("tuve", "sobreviví", "estuve internado después de"),
# then sober, stable or well now. The same past with the risk back now, or
# a streak just broken, stays a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("sobreviví a un intento de suicidio y hoy doy charlas en mi parroquia", "none"),
        ("tuve dos sobredosis con pastillas, ahora llevo cuatro años limpia", "none"),
        ("me internaron despues de una sobredosis en enero, ya salí y me siento estable", "none"),
        (
            "antes pensaba en matarme, ya ni me pasa por la cabeza. tienen grupos de jovenes?",
            "none",
        ),
        ("tuve un intento hace años y esta noche quiero matarme otra vez", CRISIS),
        ("sobreviví a una sobredosis y ahora quiero hacerlo de nuevo", CRISIS),
        ("me siento sin ganas de vivir desde que me dejó", CRISIS),
    ],
)
def test_spanish_past_risk_said_to_be_over_is_history(text, level):
    assert assess(text).level == level


# "Si un amigo me dice que se quiere matar, ¿qué hago?": a conditional about
# someone else in an advice question is asked about, as in English; a friend
# who said it is still a hand-off.
@pytest.mark.parametrize(
    "text, level",
    [
        ("qué hago si mi prima me dice que se quiere morir? solo quiero estar lista", "ambiguous"),
        ("si un alumno me escribe que se quiere matar, como lo ayudo?", "ambiguous"),
        ("mi prima me acaba de decir que se quiere morir, qué hago?", CRISIS),
    ],
)
def test_spanish_advice_about_what_someone_might_say_is_asked_about(text, level):
    assert assess(text).level == level


# Spanish media (a stage play, a book club, a news channel), overdose
# deaths counted in the news, and Spanish laughter ("jajaja", "no es en
# serio") read as in English; a laugh beside a wish said in earnest does not.
@pytest.mark.parametrize(
    "text, level",
    [
        ("mi hija actua en una obra de teatro sobre un chico que intenta suicidarse", "none"),
        ("en mi club de lectura la protagonista se suicida, como lo hablamos con cuidado?", "none"),
        ("salió en Telemundo que subieron las muertes por sobredosis en mi condado", "none"),
        ("jajaja voy a matar a mi perro, se comió mi tarea", "none"),
        ("jaja ya me quiero morir, lo digo en serio, no aguanto más", CRISIS),
    ],
)
def test_spanish_media_news_and_laughter(text, level):
    assert assess(text).level == level


# Someone's own words that they are going to kill themself, with the pronoun
# before the verb ("dice que se va a matar") matched no pattern: a hand-off
# for a third party, as "says he is going to kill himself" is. Not an idiom
# ("se va a matar de risa").
@pytest.mark.parametrize(
    "text, level",
    [
        ("mi tío me mandó un audio, dice que se va a matar hoy", CRISIS),
        ("mi compañero de cuarto se va a quitar la vida, se encerró", CRISIS),
        ("mi abuela se va a matar de risa cuando vea el video", "none"),
    ],
)
def test_spanish_someone_going_to_kill_themself(text, level):
    assert assess(text).level == level


# A media word in the sentence no longer drops a wish that names the writer
# in Spanish ("quiero suicidarme", "matarme") or the present danger of
# someone close ("now he wants to", "dice que se va a matar esta noche").
@pytest.mark.parametrize(
    "text, level",
    [
        ("terminé de ver la serie y ya quiero suicidarme", CRISIS),
        ("my brother finished that game and now he says he wants to kill himself", CRISIS),
        ("mi hermana leyó una novela y ahora dice que se va a matar", CRISIS),
        ("we watched a film where a character kills himself, it was sad", "none"),
        ("en la novela el personaje se quiere matar, es buena lectura", "none"),
    ],
)
def test_a_media_word_does_not_drop_the_writer_or_someone_close_now(text, level):
    assert assess(text).level == level


# Spanish puts the pronoun before the verb group as often as after the
# infinitive: "me voy a quitar la vida" is "voy a quitarme la vida", and a
# way to die said of oneself ("me voy a ahorcar", "tirarme del puente") is a
# hand-off. Not the same words as an object ("mi jefe me va a matar"), an
# idiom ("me voy a matar de risa") or a haircut.
@pytest.mark.parametrize(
    "text, level",
    [
        ("me voy a quitar la vida esta semana, ya lo tengo decidido", CRISIS),
        ("me quiero cortar otra vez, tengo la navaja aquí", CRISIS),
        ("me acabo de cortar el brazo y sangra mucho", CRISIS),
        ("ya me voy a ahorcar, perdón a todos", CRISIS),
        ("estoy pensando en tirarme del puente de la autopista", CRISIS),
        ("mi hermano se va a quitar la vida, me mandó un mensaje", CRISIS),
        ("mi jefe me va a matar si llego tarde al grupo", "none"),
        ("me voy a matar de risa con ese video", "none"),
        ("me voy a cortar el pelo antes del grupo del jueves", "none"),
        ("intenté ahorcarme a los 16, sobreviví. hoy tengo 30 y estoy bien", "none"),
        ("me preguntaron si me quería matar y no, nunca lo he pensado", "ambiguous"),
    ],
)
def test_spanish_pronoun_before_the_verb_and_ways_to_die(text, level):
    assert assess(text).level == level


# Spanish said as English already was: a wish to be dead, to sleep and not
# wake, nobody would miss me; a weapon or a rope at hand, standing on a
# bridge; a bottle of pills taken, someone who won't wake after pills; a
# threat with a gun. Each matched no Spanish pattern.
@pytest.mark.parametrize(
    "text, level",
    [
        ("ojalá estuviera muerto, ya no puedo", CRISIS),
        ("quisiera dormirme y ya no despertar nunca", CRISIS),
        ("ya tengo la soga lista en el garaje", CRISIS),
        ("estoy sentada en el barandal del puente", CRISIS),
        ("me tragué una caja de paracetamol hace rato", CRISIS),
        ("mi tío no reacciona y hay pastillas en la mesa", CRISIS),
        ("mi padrastro nos apuntó con la escopeta", CRISIS),
        ("mejor me muero de hambre que comer eso jaja", "none"),
        (
            "de joven me tomé un frasco de pastillas; sobreviví y hace quince años estoy bien",
            "none",
        ),
    ],
)
def test_spanish_wishes_means_and_threats(text, level):
    assert assess(text).level == level


# Someone else's way to die in Spanish ("se quiere aventar del puente", "se
# va a disparar"), someone close who cuts themself, someone found hanging:
# a third party's hand-off. Not a haircut or an accident.
@pytest.mark.parametrize(
    "text, level",
    [
        ("mi novio se quiere aventar del puente, está ahí ahorita", CRISIS),
        ("mi vecino dice que se va a disparar, tiene la pistola", CRISIS),
        ("mi hermana se sigue cortando las piernas y no me deja ver", CRISIS),
        ("encontramos a mi primo colgado en el patio", CRISIS),
        ("mi hija se cortó el fleco ella sola, quedó chueco", "none"),
        ("mi hijo se cortó con un vidrio, fue un accidente, ya está bien", "none"),
    ],
)
def test_spanish_someone_elses_way_to_die_or_cutting(text, level):
    assert assess(text).level == level


# More of what English caught and Spanish did not: tired of living, wanting
# it all to end, "today is my last day" said alone, blows until blood, and a
# drug taken with the body failing.
@pytest.mark.parametrize(
    "text, level",
    [
        ("ya estoy cansada de vivir", CRISIS),
        ("solo quiero que todo se acabe ya", CRISIS),
        ("esta noche es mi última noche", CRISIS),
        ("me doy golpes en la cara hasta que me sale sangre", CRISIS),
        ("fumé cristal y siento que me voy a morir", CRISIS),
        ("estoy cansado de vivir con tanta deuda, busco ayuda", "none"),
        ("hoy es mi último día de grupo, gracias por todo", "none"),
    ],
)
def test_spanish_tired_of_living_last_day_blows_and_a_drug_taken(text, level):
    assert assess(text).level == level


# Danger to and from others in Spanish, as English already read it: voices
# that command harm, an urge to hurt someone (a baby among them), abuse
# named, being beaten or choked right now. Abuse told as childhood history is
# not a hand-off; "me toca" (it's my turn) is not a touch.
@pytest.mark.parametrize(
    "text, level",
    [
        ("las voces me ordenan que me corte", CRISIS),
        ("he pensado en hacerle daño a mi bebé y me da miedo", CRISIS),
        ("mi padrino me toca cuando nadie ve", CRISIS),
        ("mi novio me está golpeando, estoy encerrada en el baño", CRISIS),
        ("hoy me toca cuidar a mis sobrinos, hay grupo en la tarde?", "none"),
        ("de chiquita un primo abusó de mí; hace veinte años de eso y estoy bien", "none"),
    ],
)
def test_spanish_danger_to_and_from_others(text, level):
    assert assess(text).level == level


# A plan's how and when decided, children left in someone's care, not here
# tomorrow: said in Spanish as in English.
@pytest.mark.parametrize(
    "text, level",
    [
        ("ya decidí dónde y cuándo, no me busquen", CRISIS),
        ("cuiden a mi hija cuando ya no esté, por favor", CRISIS),
        ("ya no voy a estar para nadie, perdón", CRISIS),
        ("ya no voy a estar mañana en el grupo, tengo cita", "none"),
        ("cuida a mi perro cuando no esté en casa", "none"),
    ],
)
def test_spanish_a_plan_decided_and_gone_for_good(text, level):
    assert assess(text).level == level


# A body failing after a drug, in Spanish: double a dose, turning blue,
# seizing now; not a seizure disorder asked about.
@pytest.mark.parametrize(
    "text, level",
    [
        ("me tomé el triple de mi dosis de lorazepam", CRISIS),
        ("mi primo se inyectó algo y se está poniendo azul", CRISIS),
        ("mi novia empezó a convulsionar después de la fiesta", CRISIS),
        ("mi hijo tiene epilepsia y a veces convulsiona, lo aceptan?", "none"),
    ],
)
def test_spanish_a_body_failing_after_a_drug(text, level):
    assert assess(text).level == level


# Risk told as history in more of the ways people tell it (session 28): the
# next sentence dates it ("That was eleven years ago."), someone else's age
# then ("when he was fifteen"), most of a decade, who the writer is now ("now
# I'm a teacher"), an ordinary "still" or "keep", relapse prevention, what
# the writer does not want, "never again". The same history with something
# happening now stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "I sat in the garage with the engine running and a note on the seat. That was "
            "eleven years ago. I coach soccer now. Do you have evening groups?",
            NONE,
        ),
        (
            "My brother tried to hang himself when he was fifteen. He survived and is thirty "
            "now. Is there a family group?",
            NONE,
        ),
        (
            "I spent most of my twenties cutting. Now I'm a nurse and I want help with stress.",
            NONE,
        ),
        (
            "overdosed twice years ago, 6 yrs clean now. is there a relapse prevention group",
            NONE,
        ),
        (
            "I attempted suicide in 2012 and have been well for a long time. I don't want to "
            "lie on the intake form, do I have to mention it?",
            NONE,
        ),
        (
            "I used to burn myself in high school and never started again. I'll keep this short:"
            " do you take Aetna?",
            NONE,
        ),
        (
            "I sat in the garage with the engine running once. That was eleven years ago. "
            "Tonight I'm sitting in the garage again.",
            CRISIS,
        ),
        (
            "I cut when I was fourteen. Now I'm a nurse and I cut again last night, deep.",
            CRISIS,
        ),
        (
            "I took an overdose when I was 19. I'm 30 now and I want to die again.",
            CRISIS,
        ),
    ],
)
def test_more_ways_of_telling_risk_as_history(text, level):
    assert assess(text).level == level


# The word "suicide" as a subject in English too (session 28): a group's
# suicide, counted deaths, what was read or taught about. A method asked for
# under that cover, and the writer's own, stay a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("We lost three officers in our department to police suicides this year.", NONE),
        ("I read an article on suicide among farmers and want to share resources.", NONE),
        ("Our nursing class had a lecture on suicide and grief.", NONE),
        # a subject named before it, and a presentation or paper (session 34)
        ("The coaches asked for a workshop on depression and suicide in kids.", NONE),
        ("Our team is preparing a presentation about suicide for the staff meeting.", NONE),
        ("i wrote a paper about suicide and now i want to do it tonight", CRISIS),
        (
            "For a documentary on veteran suicide, which methods are the most lethal?",
            CRISIS,
        ),
        ("suicide. tonight. I'm done", CRISIS),
    ],
)
def test_the_word_as_a_subject_in_english(text, level):
    assert assess(text).level == level


# Everyday sayings that hold a risk word (session 28): at the end of one's
# rope (distress, asked about, not a rope), a loss "hitting me", dying of
# embarrassment said another way, a whole bag of food, waking at 3am. A rope
# at hand and a bag of pills stay a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("honestly I'm at the end of my rope with this custody fight", AMBIGUOUS),
        ("the anniversary is hitting me harder than I thought it would", NONE),
        ("I tripped on stage and was so embarrassed I wanted to die lol", NONE),
        ("bad day, ate an entire box of cookies in my car", NONE),
        ("so tired of waking up at 4am with my heart pounding from nightmares", NONE),
        ("I have the rope tied in the garage", CRISIS),
        ("ate a whole bag of pills my mom had", CRISIS),
    ],
)
def test_everyday_sayings_with_a_risk_word(text, level):
    assert assess(text).level == level


# Risk words the writer reports having said, explained (session 28): the
# question, not the hand-off. Said and meant, or said again now, stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("I texted my sister 'I want to die' after the interview and she freaked out", AMBIGUOUS),
        (
            "i wrote i don't want to be here anymore on my notes app, i meant this town lol",
            AMBIGUOUS,
        ),
        (
            "I told my boyfriend I want to die and he laughed, he thought I was joking. I wasn't",
            CRISIS,
        ),
        ("I told my brother I'd kill him if he touched my car again and I meant it", CRISIS),
        ("my mom freaked out because I said I want to die. I really do want to die", CRISIS),
    ],
)
def test_risk_words_said_before_and_explained(text, level):
    assert assess(text).level == level


# The bare word "suicide" in a message about a work or the news, said in
# another sentence (session 28): not a hand-off. The writer's own wish after
# a work, or someone close now, stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("Our choir is singing a song by a band I love. One verse is about suicide.", NONE),
        ("Our book club picked a memoir. There is a lot of suicide in it, is that ok?", NONE),
        ("saw the movie last night. suicidal again, like the main character", CRISIS),
        ("my friend posted a video. she said she is going to commit suicide tonight", CRISIS),
    ],
)
def test_the_word_in_a_message_about_a_work(text, level):
    assert assess(text).level == level


# More everyday sayings (session 28): a pill split in half, salt cut down,
# murder "for a coffee", a song that makes one "die a little". Cutting
# oneself and wanting to die stay a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("is it ok if i cut my tablets in half, they're huge", NONE),
        ("my cardiologist wants me to cut salt and walk more", NONE),
        ("i would murder someone for a nap right now", NONE),
        ("this hold music makes me want to die a little", NONE),
        ("i cut my arm again tonight", CRISIS),
        ("i want to die and i have a plan", CRISIS),
    ],
)
def test_more_everyday_sayings(text, level):
    assert assess(text).level == level


# Spanish (session 28): words said before and explained, a feeling that
# "me pega", dying "del coraje". Said and meant stays a crisis; someone
# hitting the writer stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "lo de 'me quiero matar' que puse en mi estado era por el examen, no se preocupen",
            AMBIGUOUS,
        ),
        ("la soledad me pega mucho los domingos, tienen grupos en la tarde?", NONE),
        ("mi suegra me va a matar del coraje, otra vez llegó sin avisar", NONE),
        ("le dije a mi mamá que me quiero morir y se asustó. no era broma", CRISIS),
        ("mi pareja me pega cuando toma", CRISIS),
    ],
)
def test_spanish_words_said_before_and_feelings_that_hit(text, level):
    assert assess(text).level == level


# "A suicide attempt" had or survived, told as an event (session 28): the
# question, not the hand-off. One made now, or attempts named without being
# over, stay a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "Our son made a suicide attempt at 15. He is in college and wants a peer group.",
            AMBIGUOUS,
        ),
        ("I just made a suicide attempt and I feel dizzy", CRISIS),
        ("after my many suicide attempts nobody listens and I can't keep going", CRISIS),
    ],
)
def test_a_suicide_attempt_told_as_an_event(text, level):
    assert assess(text).level == level


# The same in Spanish (session 28): an attempt had or left behind, talking
# about suicide as a subject. An attempt just made stays a crisis.
@pytest.mark.parametrize(
    "text, level",
    [
        ("mi tía tuvo un intento de suicidio en los noventa, quiere un grupo de apoyo", AMBIGUOUS),
        ("un paciente salió tras un intento de suicidio y busca un IOP, tienen cupo?", NONE),
        ("mi suegra dice que hablar de suicidio con los jóvenes es malo, es cierto?", NONE),
        ("acabo de tener un intento de suicidio y me siento mareada", CRISIS),
    ],
)
def test_spanish_an_attempt_told_and_the_subject(text, level):
    assert assess(text).level == level


# Session 29's classes, each a way of saying something that is not (or is)
# a danger now; every class keeps the crisis said plainly beside it.
SESSION_29 = {
    # Not wanting to go on with a habit, a place or a treatment is not wanting
    # to go on living (session 29): "keep going to AA", "seguir bebiendo", a son
    # who "no quiere seguir en la escuela". Life itself, or "ni en nada", stays a crisis.
    "going_on_with_a_habit_or_a_place_is_not_going_on_living": [
        ("I don't want to keep going to AA meetings, is IOP different?", NONE),
        ("I don't want to keep living like this, drinking every night after work.", NONE),
        ("no quiero seguir bebiendo, ¿cómo me inscribo?", NONE),
        ("ya no quiero seguir así, fumando todos los días", NONE),
        ("mi hijo ya no quiere seguir en la escuela, ¿lo aceptan en el programa?", NONE),
        ("I don't want to keep going", CRISIS),
        ("I don't want to go on living", CRISIS),
        ("ya no quiero seguir", CRISIS),
        ("ya no quiero seguir en este mundo", CRISIS),
        ("ya no quiero seguir en la terapia ni en nada, ya dejé las cartas", CRISIS),
        ("mi hija ya no quiere seguir viviendo", CRISIS),
    ],
    # "No estoy segura" is mostly "I'm not sure" (session 29): not being safe
    # is said where or with whom.
    "spanish_not_sure_is_not_unsafe": [
        ("tal vez... no estoy segura", NONE),
        ("no estoy seguro si mi seguro lo cubre", NONE),
        ("no estoy segura en mi casa, él tiene un arma", CRISIS),
        ("no me siento segura con mi esposo esta noche", CRISIS),
        ("ayuda, no estoy a salvo", CRISIS),
    ],
    # "Suicide" as a subject in more shapes (session 29): counted deaths, what
    # prevents or causes it, a flyer or the signs of it, and how to talk to
    # someone about it. Said of oneself, or asked as a way to do it, stays a crisis.
    "suicide_as_a_subject_in_more_shapes": [
        ("Heard 22 a day is the number for vet suicides. Is that still accurate?", NONE),
        ("Our pediatrician says locking up guns helps prevent suicide in teens.", NONE),
        ("honest question does therapy prevent suicide or not", NONE),
        ("How can I ask my teenager about suicide without scaring her?", AMBIGUOUS),
        ("how do I commit suicide", CRISIS),
        ("I want to commit suicide tonight", CRISIS),
        ("i think about suicide every day and nothing prevents it", CRISIS),
    ],
    # Self-harm told as history in a few more ways (session 29): without "I"
    # ("used to self harm. now I just want..."), a year free of it "as of
    # today", whether the past "is still a thing" for intake. Coming back stays a crisis.
    "self_harm_told_as_history_in_more_ways": [
        ("Used to cut. Now I just want help with my panic attacks", NONE),
        ("been cutting free for two years as of today!! signing up for the group now", NONE),
        ("three years clean from self-harm today. my therapist wants me in the teen group.", NONE),
        ("i cut in 8th grade but its been 3 yrs. is that still relevant for intake", NONE),
        ("Used to cut. Now I just want to do it again", CRISIS),
        ("two years clean from self-harm but i cut again last night", CRISIS),
    ],
    # Everyday words that read as danger (session 29): saving up for a car, a
    # house full of things, "nobody would notice if I changed schools", board
    # games that end in tears, "I've dated", someone else's day, devotion,
    # one's own phone thrown, a wife who drags one to church, a season or
    # postpartum "hitting me hard", a domain of life that feels pointless,
    # "tired of living in my own head". Each danger said plainly stays a crisis.
    "everyday_words_that_read_as_danger": [
        ("my son has been saving up for a car all summer", NONE),
        ("my mom has been hoarding since my dad died, her house is full of boxes", NONE),
        ("honestly nobody would notice if I changed schools", NONE),
        ("Board games end in tears at our house", NONE),
        ("I've dated a bit since the divorce but nothing sticks", NONE),
        ("every morning I think today is the day they realize I'm a fraud at work", NONE),
        ("I would take a bullet for my kids but they drive me nuts", NONE),
        ("last week I threw my phone across the room in an argument", NONE),
        ("my husband drags me to church every sunday", NONE),
        ("winter is hitting me hard this year", NONE),
        ("Civilian life feels pointless since I got out", NONE),
        ("I'm tired of living paycheck to paycheck", NONE),
        ("my son has been saving up his pills in a sock", CRISIS),
        ("nobody would notice if I was gone", CRISIS),
        ("I hope tonight is the night I go in my sleep", CRISIS),
        ("he threw my phone into the pool and shoved me in after it", CRISIS),
        ("he is hitting me hard and I can't get out", CRISIS),
        ("my life feels pointless", CRISIS),
        ("i'm tired of living", CRISIS),
    ],
}


def _class_params(table):
    """One case per message of a session's table of classes, named by its class."""
    return [
        pytest.param(text, level, id=f"{cls}: {text[:40]}")
        for cls, cases in table.items()
        for text, level in cases
    ]


@pytest.mark.parametrize("text, level", _class_params(SESSION_29))
def test_session_29_classes(text, level):
    assert assess(text).level == level


# Sexual interest in children, told by the person or about them (session
# 29): the screen hands it off on its own, as its own kind of danger (the
# risk model alone found it before). Ordinary words about children do not.
@pytest.mark.parametrize(
    "text, level",
    [
        (
            "I'm 24 and I think I'm attracted to kids. I've never done anything. Can IOP help?",
            CRISIS,
        ),
        ("been having sexual thoughts about one of the kids I coach, I need to quit", CRISIS),
        ("my brother says he has urges to touch children and he babysits on Friday", CRISIS),
        ("tengo pensamientos sexuales con niños y me da miedo, necesito ayuda", CRISIS),
        ("I'm attracted to my coworker and it's awkward", NONE),
        ("do you have groups for kids with anxiety?", NONE),
    ],
)
def test_sexual_interest_in_children_is_its_own_hand_off(text, level):
    assessment = assess(text)
    assert assessment.level == level
    if level == CRISIS:
        assert assessment.category == "child_danger"


# Someone being hit now by someone else (session 29), in English and
# Spanish: only "me pega" and "hitting me" were read before. A sports
# idiom, a feeling that "le pega" or a denial is not.
@pytest.mark.parametrize(
    "text, level",
    [
        ("my sister says her boyfriend is hitting her 3 year old right now", CRISIS),
        ("the guy next door keeps beating his kid, I can hear it through the wall", CRISIS),
        ("mi padrastro le está pegando a mi hermanito ahorita", CRISIS),
        ("su novio la está golpeando y no la deja salir", CRISIS),
        ("my dad is hitting the gym every morning now that he's sober", NONE),
        ("postpartum is kicking my butt but we're hanging in there", NONE),
        ("a mi abuela le está pegando duro la soledad desde que murió mi abuelo", NONE),
    ],
)
def test_someone_being_hit_now(text, level):
    assert assess(text).level == level


SESSION_30 = {
    # Preparation and farewell in Spanish, said plainly (session 30): no
    # longer being there, a rope bought, a last message, a date chosen, a
    # finished note. An absence from a place or an appointment, or a date for
    # something, is not.
    "spanish_preparation_said_plainly": [
        ("para el domingo ya no voy a estar, no se preocupen", CRISIS),
        ("ya conseguí la soga, nadie sabe", CRISIS),
        ("cuando lean esto ya me habré ido", CRISIS),
        ("este es mi último mensaje, cuiden a mi perro", CRISIS),
        ("ya escogí la fecha.", CRISIS),
        ("ya terminé mi carta, está debajo del colchón", CRISIS),
        ("el martes no voy a estar, ¿puedo cambiar mi cita al jueves?", NONE),
        ("ya no voy a estar en el grupo de la mañana, me cambiaron el turno", NONE),
        ("ya tengo fecha en la corte y me pongo nerviosa, ¿tienen grupos de ansiedad?", NONE),
        ("ya terminé mi carta de motivación para la universidad", NONE),
        ("me voy para siempre a Monterrey, ¿tienen clínicas allá?", NONE),
    ],
    # Things put in order with a farewell, anywhere in the message (session
    # 30): letters written, things given away, a will, accounts closed, then
    # a goodbye or a "when I'm gone". Either alone is not.
    "things_put_in_order_with_a_farewell": [
        ("Le dejé mis ahorros a mi hermana. Perdónenme, no es culpa de nadie.", CRISIS),
        ("regalé mi bici y mis tenis. ya estoy listo", CRISIS),
        ("Wrote letters to my two sisters. Sorry for everything, it's not their fault.", CRISIS),
        ("gave my guitar and my dog to my cousin. it's time, goodbye", CRISIS),
        ("Bills are paid through March. Tell my mom I love her.", CRISIS),
        ("Ya dejé todo listo para el intake del lunes, gracias por todo", NONE),
        ("le regalé mi bici a mi sobrino porque ya no la uso", NONE),
        ("My therapist had me write a letter to my younger self. I'm not sure it helped", NONE),
        ("I pay my bills and go to work but I feel flat. I'm not in danger", NONE),
    ],
    # Spanish method seeking (session 30): a dose asked with a purpose that
    # can only be dying, a poison for a person, a running car in a closed
    # garage, a knot that holds a person, how to hide or deepen cuts, alcohol
    # with a medicine "¿me mataría?". The same words about everyday care are not.
    "spanish_method_seeking": [
        ("¿cuántas pastillas de clonazepam hacen falta para no despertar?", CRISIS),
        ("que le pasa a uno si se toma el veneno para ratas, cuanto tarda", CRISIS),
        ("si dejo el coche encendido en la cochera cerrada cuánto tarda", CRISIS),
        ("cómo hago un nudo que aguante mi peso", CRISIS),
        ("cómo escondo las cortadas para que mi papá no las vea", CRISIS),
        ("tengo tramadol y una botella de mezcal, ¿alcanza?", CRISIS),
        ("¿cuántas pastillas de ibuprofeno se necesitan para el dolor de muela?", NONE),
        ("¿el cloro mata el moho del baño?", NONE),
        ("¿cuál es la forma más rápida de inscribirme?", NONE),
        ("¿qué le doy al bebé para que no despierte en la noche?", NONE),
    ],
    # Spanish harm to others as an intent, a plan, an urge or a how-to
    # (session 30), said by the person or of someone else. Nobody, pests, a
    # game, a joke or a figure of speech are not.
    "spanish_harm_to_others": [
        ("esta noche voy a ir a matar al que me robó, ya sé dónde vive", CRISIS),
        ("¿cómo envenenar a mi jefe sin que se note?", CRISIS),
        ("tengo pensamientos de sacudir a mi bebé y estoy sola", CRISIS),
        ("mi tío dice que va a balear a su vecino, anda borracho", CRISIS),
        ("ese tipo me las va a pagar, lo voy a matar", CRISIS),
        ("no quiero lastimar a nadie, solo me enojo rápido", AMBIGUOUS),
        ("voy a matar a las cucarachas de la cocina, ¿algún consejo?", NONE),
        ("mi mamá dice que la voy a matar de un disgusto con mis tatuajes", NONE),
        ("quiero matar al jefe final del juego y no puedo", NONE),
    ],
    # Spanish overdose or poisoning told (session 30): a whole supply or ten
    # or more pills, a household poison swallowed, pills with alcohol, more
    # than usual injected. A daily dose, or an overdose told as history, is not.
    "spanish_overdose_told": [
        ("me tomé todas mis pastillas de la presión y me siento mareada", CRISIS),
        ("mi hijo se tragó como veinte de las de dormir", CRISIS),
        ("mi abuela se tomó el anticongelante del garaje", CRISIS),
        ("tomé clonazepam con cerveza y no siento las piernas", CRISIS),
        ("me inyecté más de lo normal y estoy solo", CRISIS),
        ("me tomé dos pastillas de ibuprofeno para el dolor de cabeza", NONE),
        (
            "hace doce años me tomé todas mis pastillas; hoy estoy bien y quiero ser voluntaria",
            NONE,
        ),
    ],
    # Spanish passive ideation in indirect words (session 30). A burden is
    # asked about, as in English; living with one's parents is not life.
    "spanish_passive_ideation": [
        ("quisiera no haber nacido", CRISIS),
        ("mis papás estarían mejor sin mí", CRISIS),
        ("nadie me extrañaría, la neta", CRISIS),
        ("ojalá me atropellara un camión de camino al trabajo", CRISIS),
        ("cada noche le pido a Dios que me recoja", CRISIS),
        ("ya estoy cansada de existir", CRISIS),
        ("si me muero mañana me daría igual", CRISIS),
        ("me siento un estorbo para mi familia", AMBIGUOUS),
        ("estoy harta de vivir con mis papás, quiero mi espacio", NONE),
        ("hace años pensaba que mi familia estaría mejor sin mí; hoy estoy bien", NONE),
    ],
    # A child in danger now, told by someone who sees it (session 30): locked
    # or tied up, left alone for days, touched sexually. The child hand-off.
    "child_in_danger_now": [
        ("my neighbor locked her son in the garage and he's been screaming for an hour", CRISIS),
        ("mi cuñado encerró a mi sobrina en el baño y no la deja salir", CRISIS),
        ("los niños de enfrente llevan tres días solos, el más chico tiene 2 años", CRISIS),
        ("the toddler upstairs has been alone since yesterday, no adults", CRISIS),
        ("my 5 year old said her uncle touches her down there", CRISIS),
        ("can I leave my 14 year old home alone for an hour while I'm at group?", NONE),
        ("locked my keys in the car with my phone, can I reschedule?", NONE),
    ],
    # Someone else putting things in order or saying goodbye, then silence
    # or a means at hand (session 30), told by the person who worries.
    "someone_else_saying_goodbye_then_silence": [
        ("mi hermano me mandó un audio despidiéndose y ahora no contesta", CRISIS),
        (
            "mi papá le dio su reloj a mi hijo, dijo que ya no lo va a necesitar. tiene pistola",
            CRISIS,
        ),
        (
            "my dad gave away his fishing gear and his truck this week and now he's not answering",
            CRISIS,
        ),
        ("my sister said goodbye at the airport and her phone is off until she lands", NONE),
    ],
}


@pytest.mark.parametrize("text, level", _class_params(SESSION_30))
def test_session_30_classes(text, level):
    assert assess(text).level == level


SESSION_31 = {
    # In a message told as history by someone who says they are well now, a
    # sentence that only lists what happened or tells it in the past tense
    # is history too (session 31); the same sentence with a word of now, or a
    # present time, is not.
    "past_event_in_a_history_message": [
        (
            "I was in a bad place in college. Self harm, two attempts, a hospital stay. "
            "I'm 30 now and doing well. Do you have evening groups?",
            NONE,
        ),
        (
            "My dad died when I was 17. Afterward I started cutting and drinking a lot. "
            "I've been sober for eight years and I'm stable now. Is there an alumni group?",
            NONE,
        ),
        (
            "I attempted in 2015 and I've been stable since. Took the whole bottle an hour ago.",
            CRISIS,
        ),
        (
            "I overdosed two years ago and I've been clean since. "
            "Swallowed a bunch of pills just now.",
            CRISIS,
        ),
        (
            "I had an attempt at 16 and I'm doing better now. Self harm, every night this week.",
            CRISIS,
        ),
        ("Tuve un intento a los 15. Ya estoy bien. Me corté anoche otra vez.", CRISIS),
    ],
    # "one year ago" dates the past like "a year ago"; urges said to be
    # absent are not urges now.
    "dated_and_no_urges": [
        (
            "Just sharing: one year ago today I woke up in the ER after an overdose. "
            "Today I'm one year clean. Thank you all.",
            NONE,
        ),
        (
            "I used to self-harm in college. I'm 34 now and doing fine. No urges, just want "
            "some support during a stressful move.",
            NONE,
        ),
        (
            "I used to self-harm in college and I'm mostly fine, but the urges are strong tonight.",
            CRISIS,
        ),
        (
            "I used to cut in high school and I've been doing well. "
            "Started cutting again last night.",
            CRISIS,
        ),
    ],
    # Harm from someone long ago, told with no sign of danger now (memories
    # or nightmares coming back are not danger now); the same past with the
    # person back, a threat, or harm planned in return is a crisis.
    "harm_from_someone_long_ago": [
        (
            "My stepfather hit me when I was a kid. He died years ago and I'm 45 now. The "
            "nightmares are back lately; would a trauma group help?",
            NONE,
        ),
        (
            "I was assaulted in college, twelve years ago. I'm safe and married now, but "
            "crowded rooms still get to me. Do you have a trauma track?",
            NONE,
        ),
        (
            "My ex used to hit me. I left in 2019 but he found me and he's outside my "
            "building right now.",
            CRISIS,
        ),
        (
            "My uncle abused me when I was nine. I'm 30 now and I'm going to his house "
            "tonight to make him pay.",
            CRISIS,
        ),
        (
            "He beat me for years before I left in 2018. Now he's getting out of prison next "
            "week and I'm terrified he will come for me.",
            CRISIS,
        ),
    ],
    # Spanish self-injury now (session 31): scratching, biting or hitting
    # oneself until it bleeds, cutting said as it happens, fresh cuts, hiding
    # cuts; not nail biting, a haircut or a splinter.
    "spanish_self_injury_now": [
        ("me estoy mordiendo el brazo hasta sacarme sangre y no puedo parar", CRISIS),
        ("mi hermano se está rasguñando la cara hasta sangrar", CRISIS),
        ("estoy encerrada en el baño cortándome", CRISIS),
        ("tengo cortes nuevos en el brazo, ¿necesito puntos?", CRISIS),
        ("¿cómo tapo las cortadas para que mi mamá no las vea?", CRISIS),
        ("me estoy mordiendo las uñas por los nervios del examen", NONE),
        ("me corté el pelo y quedó horrible", NONE),
        ("me enterré una astilla en el dedo, ¿cómo la saco?", NONE),
    ],
    # Spanish violence at home now: someone coming after a person with a
    # weapon, held locked up, choked, hit just now; choking told as long ago
    # by someone safe now is history; a knife in the kitchen is not a threat.
    "spanish_violence_now": [
        ("mi padrastro anda persiguiendo a mi mamá con un cuchillo", CRISIS),
        ("mi novio me tiene encerrada en su departamento", CRISIS),
        ("me acaba de empujar contra la puerta y está gritando", CRISIS),
        ("anoche me apretó el cuello y hoy llega temprano", CRISIS),
        (
            "mi ex me estranguló una vez. Eso fue hace cinco años; ya vivo lejos y estoy a salvo",
            NONE,
        ),
        ("mi mamá está en la cocina con un cuchillo pelando papas", NONE),
        ("mi hermano anda con un bate de béisbol para el partido", NONE),
    ],
    # Spanish commands heard from a voice, God or a device (session 31): to
    # hurt someone, or to jump or die; a kind word from God or a chore is not.
    "spanish_commanding_voices": [
        ("las voces me dicen que salte desde la azotea", CRISIS),
        ("mi tía dice que Dios le pidió sacrificar a su nieto", CRISIS),
        ("la tele me está mandando mensajes de que tengo que matar al vecino", CRISIS),
        ("Dios me dice que siga adelante y que no me rinda", NONE),
        ("mi mamá me dice que tire la basura antes de las ocho", NONE),
        ("mi personaje tiene que matar al jefe final y no puedo pasar el nivel", NONE),
    ],
    # English method seeking the screen read only in fewer words (session
    # 31): the least painful way, how much to drink to die, a height asked
    # about, a gun tonight without a check, ways to punish oneself, a death
    # staged as an accident; the same words about ordinary things are not.
    "english_method_seeking": [
        ("what is the least painful way to go? i'm done", CRISIS),
        ("how much would i need to drink to die", CRISIS),
        ("is the bridge on 5th street high enough", CRISIS),
        ("where can i get a gun tonight without a background check", CRISIS),
        ("I need ideas to punish myself physically", CRISIS),
        ("how do i make it look like an accident so my kids get the insurance", CRISIS),
        ("what's the least painful way to remove a splinter", NONE),
        ("is the shelf high enough for my tallest plant", NONE),
        ("how much water would I need to drink to stay hydrated on a hike", NONE),
        ("I want to get a gun license next year for hunting", NONE),
    ],
    # Spanish overdose told (session 31): all of one's pills, half the
    # bottle, pills mixed with alcohol, someone unresponsive by an empty
    # bottle, "me pasé con" a drug; not the week's pills in a pill box, a
    # question about mixing, coffee, or an overdose told as long ago.
    "spanish_overdose_told": [
        ("me tomé las pastillas de mi abuela para dormir, todas", CRISIS),
        ("ya me tomé la mitad del frasco", CRISIS),
        ("mezclé las pastillas de la ansiedad con tequila y no siento las manos", CRISIS),
        ("mi hermano está en el piso, no responde, y hay un frasco vacío al lado", CRISIS),
        ("creo que me pasé con la morfina, no siento las piernas", CRISIS),
        (
            "me tomé las pastillas de la presión esta mañana, todas las de la semana están "
            "en el pastillero",
            NONE,
        ),
        (
            "Hace dos inviernos mi papá se tomó sus pastillas de la presión todas juntas. Lo "
            "encontramos a tiempo y desde entonces está bien",
            NONE,
        ),
        ("¿qué pasa si mezclo mis pastillas de la presión con vino en la cena?", NONE),
        ("me pasé con el café y no puedo dormir", NONE),
    ],
    # English harm to others (session 31): poisoning someone or making them
    # sick in secret, payback set for tonight, shooting up a gathering,
    # running someone off the road; weeds, a drug test, hoops and a food
    # allergy are not.
    "english_harm_to_others": [
        ("how do i poison my uncle without anyone finding out", CRISIS),
        ("how to poison someone slowly", CRISIS),
        ("what can i slip into her coffee to make her sick", CRISIS),
        ("tonight he pays for what he did", CRISIS),
        ("I keep thinking about shooting up my old school", CRISIS),
        ("i'm going to run that guy off the road next time", CRISIS),
        ("how do i poison the weeds in my yard", NONE),
        ("can i pass a drug test without quitting", NONE),
        ("we're going to shoot some hoops after the game", NONE),
        ("the shrimp might make him sick, he has an allergy", NONE),
    ],
}


SESSION_32 = {
    # A child in danger now, told in English by whoever sees it (session 32):
    # left in a hot car or alone, wandering by a road, hit or held by the
    # neck now, a drunk adult driving children, marks of a belt on a child, a
    # parent who wants to hurt or drop their baby, a baby shaken and now limp,
    # and sexual interest in children said without "sexual thoughts". Ordinary
    # parenting, a past long over, a board game and hurt feelings are not.
    "english_child_danger_now": [
        ("the baby is still in the car in the mall lot and it's 98 out", CRISIS),
        ("my cousin left her 4 year old alone tonight to go party", CRISIS),
        ("a toddler is walking by himself on the side of the freeway", CRISIS),
        ("the guy downstairs has been slapping his toddler all night", CRISIS),
        ("my stepdad has my little brother by the throat right now", CRISIS),
        ("my aunt is wasted and insisting on driving the kids home", CRISIS),
        ("my niece has belt marks all down her legs", CRISIS),
        ("I keep wanting to throw the baby, I'm scared of myself", CRISIS),
        ("I shook him to make him stop crying and now he's limp", CRISIS),
        ("I think I'm drawn to kids and I hate myself for it", CRISIS),
        ("I've been downloading pictures of children and I need to stop", CRISIS),
        ("I beat my daughter at checkers every night", NONE),
        ("my kids stayed in the car with their dad while I ran into the pharmacy", NONE),
        ("I left my 12 year old home for an hour, is that okay?", NONE),
        ("I'm scared I might hurt my son's feelings if I cancel the trip", NONE),
        ("my father drank and drove with us when we were kids, I'm 50 now", NONE),
        ("our grandson left hand prints on the window again", NONE),
        ("I take pictures of kids at the school fair for the newsletter", NONE),
    ],
    # Passive ideation in other words (session 32): the end welcomed, wishing
    # not to have woken, "should have been me", others lighter or the world
    # fine without me, no reason to be here, hoping an illness ends it,
    # rather be gone, "w/o me"; a moved couch, a boring class, a skipped test,
    # a new job and a quarrel put to rest are not.
    "english_passive_ideation_other_words": [
        ("honestly I would welcome the end at this point", CRISIS),
        ("some mornings i wish i hadn't woken up at all", CRISIS),
        ("it should've been me in that crash, not him", CRISIS),
        ("my kids would be happier without me", CRISIS),
        ("everyone's better off w/o me", CRISIS),
        ("there is no reason for me to stay alive anymore", CRISIS),
        ("i keep praying i get cancer so it'll finally be over", CRISIS),
        ("i would rather be dead than go back to that life", CRISIS),
        ("i just want to fade away for good", CRISIS),
        ("would anyone even notice if i disappeared", CRISIS),
        ("the broken dresser is better off gone", NONE),
        ("this lecture is so dull, why am I even here", NONE),
        ("I hope I get sick so I can miss the math test", NONE),
        ("let's put this fight to rest for good", NONE),
        ("I'm done living with roommates, I want my own place", NONE),
        ("I want to stop being a burden on my sister and find work", NONE),
    ],
    # Method seeking said bare (session 32): a painless or sure way with no
    # errand after it, which method or caliber is surest, how long dying
    # takes, drowning or choking oneself, where to cut, a dose for organ
    # failure, pills bought in bulk without a prescription, a place to jump;
    # a splinter, a root canal, detox, a commute, deer season and a lake
    # jump are not.
    "english_method_seeking_bare": [
        ("whats the most painless method", CRISIS),
        ("which option is most reliable, i only want to do this once", CRISIS),
        ("how long until you pass out if you hang yourself", CRISIS),
        ("can a person really drown themselves in a bath", CRISIS),
        ("where do people cut so it doesnt show at school", CRISIS),
        ("how much tylenol would it be to cause liver failure", CRISIS),
        ("where can i buy a lot of sleeping pills without a prescription", CRISIS),
        ("what's the highest spot on the bridge to jump", CRISIS),
        ("least painful way to take out a splinter?", NONE),
        ("which method is fastest for detox, tapering or stopping?", NONE),
        ("which caliber is best for deer season", NONE),
        ("best place to jump into the lake at the state park", NONE),
        ("how long does it take to get to your clinic by bus", NONE),
    ],
    # Preparation and farewell said plainly (session 32): a goodbye message,
    # all set for tonight, letters for the family
    # written, the means laid out now, no need of anything soon; a moving
    # day, a group tonight, a note to the boss, a weekly pill box and an
    # office move are not.
    "english_preparation_said_plainly": [
        ("thanks for listening. this is goodbye", CRISIS),
        ("this is my goodbye message, thank you all", CRISIS),
        ("it's all planned for tonight", CRISIS),
        ("the letters for my daughters are finished", CRISIS),
        ("pills in my hand, I'm sorry", CRISIS),
        ("my garage door is shut and the car is running", CRISIS),
        ("i sold my guitar and stopped my meds, won't need any of it soon", CRISIS),
        ("this is goodbye to my old apartment, moving day!", NONE),
        ("it's all set for tonight, see you at group", NONE),
        ("the note to my boss is written, I quit on Friday", NONE),
        ("got my pills ready for the week in the organizer", NONE),
        ("this is goodbye to the old office, we move on Monday", NONE),
    ],
    # Spanish preparation and farewell (session 32): the letter finished or
    # left for one's children, pardon asked for what one will do tonight,
    # not being here after tonight, not living to see a date, the rope
    # ready, on a bridge writing this, someone else's farewell audio; a
    # scholarship letter, a letter to a late father, a commute over a
    # bridge, a shift at Christmas and a grandmother remembered are not.
    "spanish_preparation_and_farewell": [
        ("la carta ya está escrita, perdón", CRISIS),
        ("les dejé unas cartas a mis hijas en el cajón", CRISIS),
        ("perdónenme por lo que voy a hacer hoy", CRISIS),
        ("después de esta noche ya no voy a estar", CRISIS),
        ("no voy a ver el año nuevo", CRISIS),
        ("la soga ya está lista", CRISIS),
        ("estoy arriba del puente escribiendo esto, adiós", CRISIS),
        ("mi prima me mandó un audio diciendo adiós y no contesta", CRISIS),
        ("ya escribí la carta para la beca de la universidad", NONE),
        ("le escribí una carta a mi papá que murió, fue tarea del taller", NONE),
        ("estoy en el puente de camino al trabajo", NONE),
        ("no voy a ver la navidad con mi familia porque me toca trabajar", NONE),
        ("nos vemos en el cielo abuelita, te extraño mucho", NONE),
    ],
    # Harm to others said plainly (session 32): a weapon at hand with a
    # target named or found, a poison meant for someone, hurting without
    # marks, a target who "won't see" another day, whether to shoot someone,
    # a hit list, a threat about someone's partner; a kitchen knife set, a
    # hunting rifle, an email, a sick dog and a warning about grades are not.
    "english_harm_to_others_plainly": [
        ("the guy who robbed my mom is at the bar right now and i have my gun", CRISIS),
        ("I found out where he lives and I bought a bat", CRISIS),
        ("how much rat poison would it take to make my stepdad sick", CRISIS),
        ("how do you hit someone so it doesn't leave marks", CRISIS),
        ("my landlord won't see another christmas", CRISIS),
        ("should i stab him or just scare him", CRISIS),
        ("my cousin keeps a hit list in his notebook", CRISIS),
        ("my boss bought a knife set for the office kitchen", NONE),
        ("I keep a rifle in my truck for hunting season", NONE),
        ("should i shoot him a text about the schedule", NONE),
        ("how much antifreeze would make my dog sick, he licked some", NONE),
        ("you will see what happens to your grades if you skip class", NONE),
    ],
    # A child in danger now, told in Spanish (session 32): a child hit now, a
    # parent wanting to hit or smother their baby, belt marks, abuse told with
    # the child alone with the person now, children locked up, a child alone
    # in a car; a spanking long ago, a ball kicked, a playground scuffle, a
    # school project and a baby asleep on a drive are not.
    "spanish_child_danger_now": [
        ("el vecino le está pegando a su hijo ahorita, se oye todo", CRISIS),
        ("tengo ganas de pegarle a mi bebé, no deja de llorar", CRISIS),
        ("mi sobrino tiene marcas de cinturón en la espalda", CRISIS),
        ("mi cuñada deja a sus niños encerrados todo el día", CRISIS),
        ("su padrastro la toca y hoy se queda sola con él", CRISIS),
        ("hay un bebé solo en el carro en el estacionamiento", CRISIS),
        ("mi papá le pegó a mi hermano hace muchos años, ya murió", NONE),
        ("el niño le pega a la pelota muy fuerte en el fútbol", NONE),
        ("mi hijo de 6 le pega a otro niño en el recreo, cómo lo corrijo", NONE),
        ("mi hija vio fotos de niños para un proyecto de la escuela", NONE),
        ("el bebé se quedó dormido solo en el carro mientras yo manejaba", NONE),
    ],
    # Spanish method seeking (session 32): how long dying takes, the whole
    # bottle taken, how many one needs not to wake, a death made to look like
    # an accident, a way not to fail, cutting without it showing, a poison
    # nobody notices, sleeping forever; a pill with food, vitamins, a novel's
    # villain, a haircut, an exam and pest gas are not.
    "spanish_method_seeking": [
        ("cuánto tarda uno en morir si se ahorca", CRISIS),
        ("si me tomo todas las de dormir de una vez qué pasa", CRISIS),
        ("con cuántas pastillas uno ya no despierta", CRISIS),
        ("cómo le hago para que parezca un accidente", CRISIS),
        ("dime la forma de no fallar", CRISIS),
        ("cómo cortarse sin que se note en la escuela", CRISIS),
        ("qué veneno no se detecta", CRISIS),
        ("quiero algo que me duerma para siempre", CRISIS),
        ("cuánto tarda en hacer efecto la pastilla si la tomo con comida", NONE),
        ("si me tomo todas las vitaminas juntas hay problema?", NONE),
        ("en mi novela quiero que parezca un accidente la muerte del villano", NONE),
        ("cómo cortarse el pelo en casa sin tijeras buenas", NONE),
        ("la mejor forma de no fallar en el examen de manejo", NONE),
    ],
}


@pytest.mark.parametrize("text, level", _class_params({**SESSION_31, **SESSION_32}))
def test_session_31_and_32_classes(text, level):
    assert assess(text).level == level


@pytest.mark.parametrize(
    "text", [t for t, level in SESSION_32["english_child_danger_now"] if level == CRISIS][:6]
)
def test_a_child_in_danger_gets_the_child_hand_off(text):
    assert assess(text).category == "child_danger"


def test_a_child_in_danger_now_names_the_child_hand_off():
    assessment = assess(
        "my neighbor locked her son in the garage and he's been screaming for an hour"
    )
    assert assessment.category == "child_danger"


# Session 35: danger said with quantities and plans, not with a risk word:
# everything in the cabinet taken, "all of them" taken with a medicine or a
# goodbye around it, a medicine at hand and a plan to take all of it or to
# finish it, a place or a means named as "the plan", the plan with its time,
# no chance to say it later. A course finished as prescribed, a day's pills
# with breakfast and "all of them" about photos are not.
SESSION_35 = {
    "quantities_and_plans": [
        ("I swallowed everything in my medicine cabinet 10 min ago", CRISIS),
        ("she texted me that she took all of them and then stopped answering", CRISIS),
        ("i took all of them. sorry", CRISIS),
        ("i have a bottle of oxy in my pocket and im going to finish it tonight", CRISIS),
        ("my plan is to swallow the rest of the bottle tonight", CRISIS),
        ("the plan is the bridge on friday", CRISIS),
        ("i have the plan, the time and everything i need", CRISIS),
        ("im saying it now because i wont get the chance later", CRISIS),
        ("I have a bottle of amoxicillin and I'm going to finish it like the doctor said", NONE),
        ("I have my meds in my bag and I will take them when I get home", NONE),
        ("my plan is to take my meds with breakfast from now on", NONE),
        ("I printed the photos and she took all of them home", NONE),
    ],
    # History told with urges said to be gone or a relapse that never came;
    # urges said to be back stay a crisis.
    "urges_gone": [
        ("I used to cut myself when I was 16. I'm 27 now and the urge is gone. Any groups?", NONE),
        ("I overdosed twice in my twenties. I'm 45 now and never really relapsed. Cigna?", NONE),
        (
            "I used to cut myself when I was 16. I'm 27 now and the urge is back, I want to cut",
            CRISIS,
        ),
        (
            "I overdosed twice in my twenties. I relapsed last week and took a bunch of pills",
            CRISIS,
        ),
    ],
}


# Session 36: danger wrapped in ordinary requests, and safe urgent requests.
SESSION_36 = {
    # Skin dug or stabbed with an object at hand, or until it bleeds; a habit
    # asked about as a service question stays a question.
    "skin_dug_with_an_object": [
        ("been digging into my arm with a safety pin all night and it wont stop bleeding", CRISIS),
        ("i keep gouging at my wrist until it bleeds", CRISIS),
        ("my daughter was stabbing her hand with a compass in class today", CRISIS),
        ("I dig my nails into my palms when I'm nervous", NONE),
        ("Do you treat teens who pick at their skin until it bleeds?", NONE),
    ],
    # A target watched, with a means at hand.
    "target_watched_with_means": [
        ("ive been watching his house all week. i have a can of gasoline in the trunk", CRISIS),
        ("I know when she leaves for work and I bought a knife yesterday", CRISIS),
        ("I watched his house for my neighbor while he was away, fed the cat", NONE),
    ],
    # Risk denied in the present is not past risk coming back ("not
    # overdosing ... tonight"): asked about, as any denial is; risk not acted
    # on since a date and coming back stays a crisis.
    "denied_now_is_not_history": [
        ("he wants detox tonight for fentanyl. not overdosing, just sick. any beds?", AMBIGUOUS),
        ("I'm not suicidal, I just need someone to talk to tonight about my drinking", AMBIGUOUS),
        ("I haven't cut myself since March but tonight I did it again", CRISIS),
        ("I have not overdosed in two years but I just took a bunch of pills again", CRISIS),
    ],
    # Planning ahead is not a plan.
    "planning_ahead": [
        (
            "she finally asked for help tonight. i want to have a plan by morning. intake hours?",
            NONE,
        ),
        ("I have a plan to end it tonight", CRISIS),
    ],
}


SESSION_37 = {
    # Questions about self-harm or suicide as a subject, typed as a search or
    # asked with "why" about people in general: not a hand-off. What the
    # writer tells of themself, or asks as a way to do it, still is.
    "questions_about_the_subject": [
        ("why do so many veterans die by suicide", NONE),
        ("why do kids cut themselves? trying to understand my nephew", NONE),
        ("does self harm leave a mark on the brain long term", AMBIGUOUS),
        ("risk factors suicide older adults", NONE),
        ("is it self harm if it barely bleeds? i can't stop doing it", CRISIS),
        ("what would it look like, self harm on thighs? mine are getting worse every day", CRISIS),
        ("why do people like me bother living", NONE),
        ("which hurts less when you self harm, a blade or a lighter?", CRISIS),
        ("what concealer hides fresh cuts the best", CRISIS),
        ("how deep do you need to go? cutting deeper every night", CRISIS),
        (
            "what is the difference between self harm and a suicide attempt? for my psych paper",
            NONE,
        ),
        ("difference between self harm and suicide attempt. i did both this week", CRISIS),
        ("I'm doing a presentation on suicide in the military. Any numbers?", NONE),
        ("do you help people who self harm? i did it again last night", CRISIS),
        ("what are the signs a student is self harming? I'm a new teacher", NONE),
        ("for my paper on overdoses, how much fentanyl is a lethal dose", CRISIS),
        ("writing a paper on self harm because honestly i do it every night", CRISIS),
    ],
    # Someone else's risk, then word that they are safe now: the screening
    # question, not the hand-off. Their own "I'm fine", an overdose told as
    # recent, or danger told after the safe word stays a hand-off.
    "another_person_safe_now": [
        (
            "my sister overdosed on her meds last month. she's in recovery and doing well"
            " now. is there a family group?",
            AMBIGUOUS,
        ),
        ("my son swallowed a bunch of tylenol this morning and says he's fine", CRISIS),
        ("my dad said he wants to die, he says he's fine but i don't believe him", CRISIS),
        (
            "my wife cut herself years ago and has been okay since. tonight she locked herself in"
            " the bathroom with a knife",
            CRISIS,
        ),
        ("my friend overdosed last month. she's not okay, she stopped eating", CRISIS),
        # an intent told now is not made safe by treatment
        ("My husband says he will shoot himself if I leave. He's in therapy.", CRISIS),
        (
            "My daughter has a plan to overdose on her pills. She's in therapy and doing well"
            " otherwise, how can I help?",
            CRISIS,
        ),
    ],
}


SESSION_38 = {
    # Someone back from the hospital and back to their life after a past
    # crisis: the screening question. Danger told after it, a plan in their
    # own quoted words, or an outing home "in an hour" stays a hand-off.
    "back_from_the_hospital": [
        (
            "In April my brother swallowed a bottle of his pills and was in the ICU for days."
            " He's home now and doing so much better. Does your program take adults?",
            AMBIGUOUS,
        ),
        (
            "mi papá intentó colgarse en enero. estuvo internado y ya salió, está en casa con"
            " terapia. ¿tienen grupos en español?",
            AMBIGUOUS,
        ),
        (
            "my girlfriend threatened to jump off the roof in the spring. she did a month"
            " inpatient and she's back at school now. do you have a group for partners?",
            AMBIGUOUS,
        ),
        (
            "my girlfriend threatened to jump off the roof if I break up with her. she's back at"
            " school now",
            CRISIS,
        ),
        (
            "my son took a handful of pills in march. he's home now but he keeps saying he will"
            " try again",
            CRISIS,
        ),
        ("my student told me her stepdad burns her. she goes home on the bus in an hour", CRISIS),
    ],
    # Someone else's alarming words quoted and explained: the question; a
    # plan in the quote is not explained away.
    "their_words_quoted": [
        (
            "my daughter posted 'i want to die' on her story after her team lost. she was"
            " kidding around with friends, she's fine. do you run groups for teens?",
            AMBIGUOUS,
        ),
        (
            "mi hija escribió 'me quiero morir' en su cuaderno por un examen. estaba bromeando"
            " y está bien. ¿tienen talleres para padres?",
            AMBIGUOUS,
        ),
        (
            "my son wrote 'I'm going to kill myself' in his journal. he's fine, he's in therapy",
            CRISIS,
        ),
    ],
    # Passive ideation and farewells said indirectly (the training part's
    # out-of-fold misses): a hand-off. Their everyday look-alikes are not.
    "said_indirectly": [
        ("honestly i would like to stop being here. every day is the same", CRISIS),
        ("not sure i want to be around much longer, what does iop cost", CRISIS),
        ("everyone would relax if i just didn't exist", CRISIS),
        ("i'd be doing my family a favor if i was gone", CRISIS),
        ("a veces pienso que me acuesto y ya no me levanto más", CRISIS),
        ("le pido a dios que me dé un infarto mientras duermo", CRISIS),
        ("ya no veo para qué seguir aquí", CRISIS),
        ("ok. goodnight forever", CRISIS),
        ("last message. thanks for trying", CRISIS),
        ("es lo último que les escribo", CRISIS),
        ("dejé lista la ropa con la que me van a enterrar", CRISIS),
        ("I'd like to stop being here so late, can groups end by 8?", NONE),
        ("i'd like to stop being the one who drives everyone, is there a shuttle?", NONE),
        ("if i didn't exist in your system, how do i sign up?", NONE),
        ("bye for now, see you at group tuesday", NONE),
        ("last message from me today, thanks for the info", NONE),
    ],
    # The writer's own words quoted and explained, in Spanish too.
    "own_words_explained_es": [
        (
            "le escribí a mi amiga 'me quiero morir' pero era por la tarea de mate jaja. estoy"
            " bien, ¿a qué hora es el grupo?",
            AMBIGUOUS,
        ),
    ],
    # Suicide or self-harm as the subject of a statement about a group of
    # people or of a lesson: not a hand-off, unless a method is asked for.
    "subject_of_a_statement": [
        ("Suicide among older men in rural counties keeps rising and nobody talks about it", NONE),
        ("Estoy preparando una charla: hay tantos mitos sobre el suicidio en los jovenes", NONE),
        ("Planning a lesson on self-harm for my 10th graders. Any handouts?", NONE),
        (
            "para un documental sobre suicidio necesito saber cual es el metodo mas rapido",
            CRISIS,
        ),
    ],
}


@pytest.mark.parametrize("text, level", _class_params(SESSION_38))
def test_session_38_classes(text, level):
    assert assess(text).level == level


SESSION_39 = {
    # A helper asks how to talk to or help someone the risk words describe:
    # the screening question, not the hand-off. The writer's own danger, or
    # someone's tonight or last night, stays a hand-off.
    "helping_other": [
        (
            "what do I text a friend who says she wants to kill herself? I never know what to say",
            AMBIGUOUS,
        ),
        ("explain how to talk to a suicidal person, in simple words please", AMBIGUOUS),
        ("¿cómo le pregunto a mi primo si está pensando en suicidarse sin asustarlo?", AMBIGUOUS),
        ("how do i tell my mom i want to kill myself", CRISIS),
        ("¿cómo le digo a mi mamá que me quiero matar?", CRISIS),
        ("how do I help my friend who wants to kill herself tonight", CRISIS),
        ("how do i talk to my son, he tried to kill himself last night", CRISIS),
        ("how can I help someone who wants to die, it's me, I want to die", CRISIS),
    ],
    # Someone's death by suicide told as a loss ("we had a student die by
    # suicide"): asked about; the writer's own danger beside it is not.
    "had_someone_die_by_suicide": [
        (
            "Our church had a member die by suicide in the spring. How do we support his family?",
            AMBIGUOUS,
        ),
        (
            "we lost two nurses from our night shift to suicide this year. is there staff"
            " training?",
            AMBIGUOUS,
        ),
        (
            "Our school had a student die by suicide last month. I keep thinking about killing"
            " myself too.",
            CRISIS,
        ),
    ],
    # A word of the present far from the risk ("I keep seeing your posts",
    # "I want to do your group ... before high school") leaves a past told
    # as history; one close to it ("I keep thinking about doing it") does not.
    "present_word_far_from_the_risk": [
        (
            "i used to think about dying a lot in 7th grade but not anymore, havent in ages. i want"
            " to do your summer group to work on my anxiety before high school starts",
            NONE,
        ),
        (
            "I had a suicide attempt 9 years ago and I've been stable for years now, married with"
            " a good therapist. I keep seeing your posts on instagram and I'm curious if IOP is"
            " for people like me who aren't in a bad place",
            NONE,
        ),
        (
            "I attempted in 2014 and I've been stable since. I keep thinking about doing it again.",
            CRISIS,
        ),
        ("I overdosed in 2018. I still want to do it sometimes.", CRISIS),
    ],
}


@pytest.mark.parametrize("text, level", _class_params(SESSION_39))
def test_session_39_classes(text, level):
    assert assess(text).level == level


SESSION_40 = {
    # Someone said within hours, or someone close named, to want to die: a
    # question about helping them is not a general one. A general "how do
    # I help someone" stays the screening question.
    "helping_someone_in_danger_lately": [
        (
            "how do I support a coworker who says he wants to end his life? he told me an hour ago",
            CRISIS,
        ),
        (
            "¿cómo ayudo a una compañera de trabajo que dice que se quiere matar? me lo dijo hace"
            " una hora",
            CRISIS,
        ),
        ("how do I support my coworker who says he wants to end his life", CRISIS),
        ("what do I tell my nephew, he keeps saying he wants to die", CRISIS),
        (
            "what are your hours tonight? and how do i help someone who wants to kill themselves",
            AMBIGUOUS,
        ),
        (
            "how do i help a friend who told me she wants to die? it was a few months ago and"
            " she's in therapy now",
            AMBIGUOUS,
        ),
    ],
    # Someone else's goodbye (posted, "sorry for everything", "don't come
    # looking", "adiós a todos"), then silence: handed off; a goodbye with
    # a move behind it is not.
    "someone_elses_goodbye_then_silence": [
        ("my roommate posted a goodbye on her story an hour ago and she's not answering", CRISIS),
        (
            "my brother texted me sorry for everything, don't come looking, and his location is"
            " off",
            CRISIS,
        ),
        ("mi prima publicó 'adiós a todos' en su face y no contesta el teléfono", CRISIS),
        (
            "my coworker posted a goodbye in the team chat because she's moving to Denver, what a"
            " week",
            NONE,
        ),
    ],
    # Someone else armed or threatening now: driving to "the neighbors
    # house" with a rifle, a threat to kill her with him parked outside, a
    # relative's weapon taken to school (English and Spanish).
    "someone_else_armed_or_threatening_now": [
        ("my uncle is driving to the neighbors house with his rifle right now", CRISIS),
        ("her ex texted her that he will kill her and he's parked outside her work", CRISIS),
        ("my nephew said he's bringing his dads knife to school tomorrow", CRISIS),
        ("mi hermano dice que va a llevar la navaja de mi papá a la prepa", CRISIS),
        (
            "we stayed at the guys house for the hunting trip, he had a gun safe. anyway do you"
            " take cigna",
            AMBIGUOUS,
        ),
    ],
    # Voices commanding someone else ("las voces le dicen que se corte").
    "voices_commanding_someone_else": [
        ("mi tía dice que las voces le dicen que se corte", CRISIS),
        ("my brother says the voices told him to hurt our neighbor", CRISIS),
    ],
    # Someone else's words, then word they were laughing or it is slang:
    # the screening question, not the hand-off.
    "someone_elses_remark_laughed_off": [
        (
            "mi hijo gritó 'me quiero morir' cuando perdió en el juego, pero se estaba riendo."
            " ¿es normal?",
            AMBIGUOUS,
        ),
        (
            "my daughter wrote 'kms' under her friend's post last week, it was just slang. is"
            " that a thing to worry about",
            AMBIGUOUS,
        ),
    ],
    # An adult stranger asking a child for pictures; signs of sexual abuse
    # with the child alone with that person now, across sentences.
    "child_in_danger_now": [
        ("some grown man on roblox keeps asking my son to send him pictures, he is 9", CRISIS),
        ("un tipo le está pidiendo fotos a mi sobrina de 11 por instagram", CRISIS),
        (
            "my uncle sneaks into my cousins room at night, she is 7. she is alone with him right"
            " now",
            CRISIS,
        ),
        ("my 10 year old wants to send pictures to her grandma on whatsapp, is that safe?", NONE),
        (
            "my son is 9 and he is home alone right now for an hour after school, is that legal in"
            " ohio?",
            NONE,
        ),
    ],
}


SESSION_43 = {
    # Past risk and a word of recurrence: a hand-off when the word stands
    # near the risk itself or something happens tonight, the screening
    # question when what came back is drinking or low mood, or the risk is
    # denied beside it; a person back at work or home is not risk back.
    "what_came_back": [
        (
            "I had an attempt in college. My depression is back this winter, no thoughts of"
            " hurting myself. Is IOP a good fit?",
            AMBIGUOUS,
        ),
        (
            "my mom had an attempt when I was 12. she's been drinking heavy again lately, what do"
            " you offer families",
            AMBIGUOUS,
        ),
        (
            "he attempted in the spring. he is back home with us now. what should we ask a program",
            NONE,
        ),
        ("I attempted in 2012 and lately the thoughts are back, worse than before", CRISIS),
        (
            "i tried to end my life in 2019. recently i've been thinking about doing it again",
            CRISIS,
        ),
        ("attempted suicide in 2015. tonight it feels like then, I have the pills out", CRISIS),
    ],
}


SESSION_44 = {
    # "hasn't" spelled out like "haven't", so a negation reads it: risk that
    # has not happened since is not a hand-off; "hasn't stopped" still is.
    "has_not_since": [
        (
            "My son is 15 and hasn't cut himself in over a year, he is doing well. Do you have a"
            " teen group?",
            AMBIGUOUS,
        ),
        (
            "my sister hasn't stopped talking about killing herself since friday and she won't"
            " answer now",
            CRISIS,
        ),
    ],
    # The writer's own past act ("i self harmed", "i swallowed a bottle")
    # said to be over ("nothing since") is history; the same act with a time
    # of minutes or hours ago is happening now.
    "own_past_act": [
        ("i self harmed from 14 to 17, nothing since. 22 now. do u have evening groups", NONE),
        (
            "i had an attempt in 2018. i swallowed a handful of my sleeping pills 20 mins ago",
            CRISIS,
        ),
        ("I got clean in 2019. I took a bottle of pills an hour ago and I feel strange", CRISIS),
    ],
    # Anger that takes the writer's breath, though the sentence names
    # someone else: the question, not 911; someone else's breath stays a
    # hand-off.
    "breath_of_anger": [
        (
            "I get so angry at my brother I can barely breathe when he starts yelling at me",
            AMBIGUOUS,
        ),
        ("my brother took a lot of his pills and he can barely breathe", CRISIS),
    ],
    # Past risk said to be over: the act stopped, a phase ended, an age then
    # younger than the writer's age now, months or years without it in
    # Spanish; the same with a time of minutes ago, "tonight" or "again" is
    # risk now, and someone else's age is not the writer's.
    "told_as_over": [
        (
            "i stopped cutting when i moved out and never started again. do u have young adult"
            " groups",
            NONE,
        ),
        ("my suicidal phase is over, it ended with the right meds. do you treat adhd?", NONE),
        ("I hurt myself from 15 to 18. I'm 40 now and want a group for my anxiety.", NONE),
        ("llevo dos años sin cortarme, ¿tienen grupo de apoyo para no recaer?", NONE),
        ("i stopped cutting for a year but tonight i cut again and i want to keep going", CRISIS),
        (
            "my uncle abused me from 6 to 12. he is 60 now and i am going to hurt him tonight",
            CRISIS,
        ),
        ("llevo un año sin cortarme y hace 20 minutos lo hice otra vez", CRISIS),
    ],
    # Words of the present about ordinary life in a story of past risk
    # ("keep it private", "want to finally deal with it") do not end the
    # history frame; thinking of doing it again does.
    "ordinary_present": [
        (
            "I overdosed back in my twenties, clean for years now. I'd like to keep it private at"
            " work, is IOP confidential?",
            NONE,
        ),
        (
            "my overdose was 4 years ago. i want to finally deal with it in therapy, do you take"
            " medicaid",
            NONE,
        ),
        ("I attempted in 2015 and lately I keep thinking about doing it again", CRISIS),
    ],
    # Whether one must be at risk to reach the line: the screening question,
    # not the hand-off; danger said beside it, or "not sure I want to live",
    # stays a hand-off. A form the writer does not want to go on with is not
    # life.
    "line_and_form": [
        ("can i call 988 if im not suicidal", AMBIGUOUS),
        ("tengo que tener pensamientos suicidas para llamar al 988?", AMBIGUOUS),
        ("I want to kill myself tonight. Do I have to be suicidal to call 988?", CRISIS),
        ("can i call 988 if i'm not sure i want to live", CRISIS),
        ("no quiero seguir con el formulario", NONE),
        ("ya no quiero seguir", CRISIS),
    ],
    # Someone who says they will cut themself, or wants to, in Spanish ("dice
    # que se va a cortar"): a hand-off; a haircut, a utility cut off or a
    # break-up is not.
    "se_va_a_cortar": [
        ("mi hijo dice que se va a cortar esta noche", CRISIS),
        ("mi amiga me dijo que se quiere cortar otra vez", CRISIS),
        ("mi hijo se va a cortar el pelo mañana", NONE),
        ("nos van a cortar la luz si no pagamos", NONE),
        ("ella se va a cortar con su novio", NONE),
    ],
    # Overdose as a subject in Spanish ("emergencias de sobredosis", "muertes
    # por sobredosis"), a training asked for a group, "suicide risk" as a
    # subject.
    "subject_not_danger": [
        ("Trabajo en un albergue y quiero armar un kit para emergencias de sobredosis.", NONE),
        ("muertes por sobredosis en el condado, tienen datos para mi clase?", NONE),
        (
            "Mi hermano murió de sobredosis. En su escuela quieren una charla para los alumnos,"
            " ¿la pueden dar?",
            AMBIGUOUS,
        ),
        (
            "our clinic is building a process for patients who screen positive for suicide risk."
            " what is a warm handoff?",
            NONE,
        ),
        ("creo que me di una sobredosis, me siento muy mal", CRISIS),
        ("I'm a teacher and I want to kill myself. Do you have a workshop for staff?", CRISIS),
        # someone else at risk told beside the training asked for
        (
            "Could you run a workshop on suicide for our coaches? One of our players is planning"
            " to kill himself, he showed the team his note.",
            CRISIS,
        ),
        (
            "Looking for a training for our church volunteers. A member keeps saying he will"
            " shoot himself and he owns guns.",
            CRISIS,
        ),
    ],
}


SESSION_45 = {
    # Shaking after fear or anger is not an overdose, though "had" or "took"
    # comes earlier in the message; shaking after something taken, with the
    # substance or another body sign named, still is.
    "shaking_of_feeling": [
        (
            "I found out he lied about the money and took out a loan in my name. I'm sitting in"
            " the car shaking",
            NONE,
        ),
        ("We had a huge fight about the dishes and the whole house was shaking", NONE),
        ("that horror movie had me shaking, anyway when do groups start", NONE),
        ("my roommate took something at the party and now she's shaking and sweating", CRISIS),
        ("he snorted something an hour ago and he's shaking and his heart is pounding", CRISIS),
    ],
    # A question about an urge asked "like right now" is the asker's urge now.
    "urge_right_now": [
        ("when the urge to cut is this strong, like right now, what do people do?", CRISIS),
        ("when the urge to cut comes, what do people usually do instead?", NONE),
    ],
    # Arms covered where nobody would cover them, or asked about: marks
    # hidden now. Scars (healed) or another reason named are not.
    "covered_arms": [
        ("my mom keeps asking why i wear long sleeves in august. what do i tell her", CRISIS),
        ("hoodies in july bc of my arms lol. anyway how do i sign up", CRISIS),
        ("llevo manga larga en julio para que nadie vea mis brazos", CRISIS),
        ("i wear long sleeves in july because the office is freezing", NONE),
        ("my scars are from years ago but i still wear long sleeves in july", NONE),
        ("my boss asked why i always wear a jacket, it's the dress code lol", NONE),
        ("mi anime favorito es un manga sobre una chica que se corta el pelo", NONE),
    ],
    # Past overdoses counted, or an overdose the writer dates recovery from,
    # with recovery said: history. Counted with a time of now, danger now.
    "counted_past_overdoses": [
        (
            "I've been to detox 3 times and overdosed twice, but I've been clean for a year now."
            " Do you have evening groups?",
            NONE,
        ),
        (
            "clean date is june 2022. before that i od'd 4 times. looking for a dual diagnosis iop",
            NONE,
        ),
        ("I'm 8 months out from an overdose and sober since. can I step down to IOP?", NONE),
        ("i overdosed twice tonight and i cant feel my legs", CRISIS),
        ("I overdosed three times this week and I'm scared I'll do it again tonight", CRISIS),
    ],
    # What someone else thinks of the writer, denied: asked about, not
    # handed off; confirmed, a hand-off.
    "thought_of_and_denied": [
        ("everyone thinks i'm suicidal but i'm not, i'm just burnt out", AMBIGUOUS),
        ("my mom thinks im suicidal. i am. i have a plan", CRISIS),
        ("my mom thinks im suicidal and honestly she is right", CRISIS),
    ],
    # Trafficked now is danger at someone's hands; trafficked "from ages 15
    # to 18", with an age now past it, is history.
    "trafficked": [
        (
            "I'm 17 and he has been trafficking me since I was 15. he is outside the shelter"
            " tonight",
            CRISIS,
        ),
        ("my boyfriend keeps selling me to his friends", CRISIS),
        (
            "I'm 30 and I was trafficked from ages 15 to 18. I got out and I'm doing well. Do you"
            " have trauma groups?",
            NONE,
        ),
        ("they are selling me a used car at a discount lol", NONE),
    ],
    # An accident at work with an ordinary "keep working": still an accident;
    # "i keep doing it" is not.
    "accident_keep_working": [
        ("got a nasty steam burn on my wrist at work, can i keep working with a glove on", NONE),
        ("burned my arm on the stove again, third time this week, i keep doing it", CRISIS),
    ],
    # "Not breathing exercises" is advice refused, not a body in danger.
    "breathing_exercises": [
        ("any tips for panic that actually work? not breathing exercises, tried those", NONE),
        ("my brother is not breathing and his lips are blue", CRISIS),
    ],
    # A story or a feeling that "hit me hard": not a blow.
    "hit_me_hard_feeling": [
        ("that episode hit me hard, anyone want to talk about it", NONE),
        ("the grief hits me different at night", NONE),
        ("he hits me hard when he drinks", CRISIS),
        ("my coach hit me so hard that i fell", CRISIS),
    ],
    # Ordinary plans after history told as over ("about to propose", "going
    # to college", "planning a memorial") do not end the history frame; a
    # plan to do it, or one's own funeral planned, does.
    "ordinary_plans_after_history": [
        (
            "When I was 15 I tried to kill myself. I've been doing well for years. I'm going to"
            " college in the fall and want to volunteer with teens",
            NONE,
        ),
        (
            "I attempted suicide in 2012 and have been well since. I'm about to propose to my"
            " girlfriend and want to tell her",
            NONE,
        ),
        (
            "I tried to end my life at 27 and got help after. I've been stable for 20 years. My"
            " family is planning a big memorial for my uncle and I need support",
            NONE,
        ),
        (
            "I tried to kill myself at 15. I've been ok for years but I'm going to do it again"
            " tonight",
            CRISIS,
        ),
        ("i attempted at 16. been doing well for years. but lately im planning my funeral", CRISIS),
    ],
    # Someone else's death mourned ("why did X have to die"): a loss, asked
    # about; the writer's own "have to die" is not.
    "death_mourned": [
        ("why did my dad have to die so young, i miss him", AMBIGUOUS),
        ("ok so in harry potter why did fred have to die. the author is evil", AMBIGUOUS),
        ("sometimes i think i have to die to make it stop", CRISIS),
        ("why do i have to die", CRISIS),
    ],
    # Words quoted from a meme, a song or a saying: asked about, not handed
    # off; taken as the writer's own ("is literally me"), danger now. Someone
    # "saying" the words is still quoted speech, not a saying.
    "quoted_saying": [
        ('the meme "i want to die" is everywhere, is it normal for teens to say it?', AMBIGUOUS),
        (
            'escuche un corrido que dice "me quiero morir en la troca", es solo una cancion?',
            AMBIGUOUS,
        ),
        ('that song "i want to die" is literally me right now', CRISIS),
        (
            "my wife keeps saying she \"won't be a problem for much longer.\" she won't explain",
            CRISIS,
        ),
    ],
}


SESSION_46 = {
    # Spanish passive ideation in its common shapes: not being here weighed
    # as a relief (either order), "ojalá no estuviera", not wanting to be
    # alive, waking as a burden, not waking as welcome, worth more dead,
    # asking God to take me. Someone else not being here is not one.
    "passive_es": [
        ("a veces pienso que si yo no estuviera todos estarian mas tranquilos", CRISIS),
        ("seria un alivio para mis papas si desapareciera", CRISIS),
        ("ojala ya no estuviera, nomas estorbo", CRISIS),
        ("ya no quiero estar viva, estoy cansada", CRISIS),
        ("cada manana me da coraje seguir respirando", CRISIS),
        ("me acuesto deseando no despertar", CRISIS),
        ("si manana no amanezco me da igual", CRISIS),
        ("mi esposo dice que vale mas muerto que vivo", CRISIS),
        ("todas las noches le pido a diosito que ya me recoja", CRISIS),
        ("honestly i'm worth more dead to my family", CRISIS),
        ("si no estuviera mi hermana no se que haria con los ninos", NONE),
        ("no quiero estar mas en este grupo de whatsapp", NONE),
        ("si no despierto temprano llego tarde al trabajo", NONE),
    ],
    # God asked for a safe journey, or waking up late, is not a wish to die.
    "not_a_wish_to_die": [
        ("le pido a dios que me lleve con bien a casa", NONE),
        ("i was disappointed that i woke up late again", NONE),
        ("i'm disappointed every time i wake up", CRISIS),
    ],
    # Spanish self-harm going on or just done: cuts or burns made, burned on
    # purpose, the head hit against a wall, wanting to burn oneself, a
    # relapse. A kitchen cut, or "a propósito" meaning "by the way", is not.
    "self_harm_es": [
        ("me he estado cortando en las piernas otra vez", CRISIS),
        ("acabo de hacerme unos cortes en el brazo", CRISIS),
        ("me queme la mano con la plancha a proposito", CRISIS),
        ("me estoy pegando en la cabeza contra la pared", CRISIS),
        ("tengo ganas de quemarme otra vez", CRISIS),
        ("tuve una recaida en las autolesiones anoche", CRISIS),
        ("me hice una cortada en el dedo picando cebolla", NONE),
        ("a proposito de la plancha, me queme ayer sin querer", NONE),
    ],
    # Spanish danger at home now: someone being beaten (without "le"), the
    # writer hit and still afraid, a restraining order broken. Knocking on
    # a door is not.
    "danger_now_es": [
        ("mi padrastro esta golpeando a mi hermana ahorita", CRISIS),
        ("mi novio me empujo y me quito el celular, tengo miedo de que regrese", CRISIS),
        ("mi ex violo la orden de restriccion y esta afuera", CRISIS),
        ("mi hermano esta pegando a mi puerta para que abra", NONE),
    ],
    # Voices heard telling the writer to die (Spanish, "escucho que me dicen").
    "voices_es": [("escucho que me dicen que me quite la vida", CRISIS)],
    # The last time one writes, said to the reader: asked about; "for today"
    # is not.
    "last_time_es": [
        ("esta es la ultima vez que les escribo", AMBIGUOUS),
        ("es la ultima vez que escribo hoy, manana sigo", NONE),
        ("hasta aqui llegue, los quiero a todos", AMBIGUOUS),
        ("hasta aqui llegue con esa dieta", NONE),
    ],
    # Which vein to cut, the quickest way to bleed out; a dose "so as not to
    # come back" (not "so as not to relapse").
    "method_vein": [
        ("q vena hay que cortar pa que sea rapido", CRISIS),
        ("what's the quickest way to bleed out", CRISIS),
        ("which vein do they use for blood draws", NONE),
        ("cuanto fentanilo pa no volver", CRISIS),
        ("cuantas pastillas de naltrexona para no volver a recaer", NONE),
    ],
    # All of one's medicine taken ("toda mi medicina"), as "todas mis".
    "all_my_medicine_es": [("me tome toda mi medicina del mes de golpe", CRISIS)],
    # Spanish: a body after something taken (can't wake them, seizing), in
    # either order; tea and breathing well is nothing.
    "overdose_signs_es": [
        ("mi vecino se tomo algo y no lo puedo despertar", CRISIS),
        ("no la puedo despertar, creo que se tomo las pastillas de mi abuela", CRISIS),
        ("mi compa se metio un chingo de cristal y ahora anda convulsionando", CRISIS),
        ("mi abuela tomo su te y ahora respira bien", NONE),
    ],
    # More Spanish passive shapes; wanting to disappear, but not to get away
    # for a weekend (also in SMS spelling, "kiero").
    "passive_es_more": [
        ("la neta ya me da igual si vivo o no", CRISIS),
        ("ojala me de un infarto en el turno", CRISIS),
        ("ojala me de tiempo de ir al grupo", NONE),
        ("Dios mio ya llevame", CRISIS),
        ("quisiera desaparecer y que nadie se acuerde", CRISIS),
        ("quiero desaparecer este finde, me voy a la playa sin celular", NONE),
        ("quisiera desaparecer un rato de redes", NONE),
    ],
    # Spanish harm to others: at someone's door with a weapon, a weapon
    # carried to use, poison got for someone; SMS "kiero".
    "harm_others_es": [
        ("kiero matar a mi padrastro", CRISIS),
        ("estoy afuera de la casa de mi ex con el machete", CRISIS),
        ("ya tengo el veneno pa mi suegra", CRISIS),
        ("manana llevo un cuchillo a la escuela y les voy a hacer dano", CRISIS),
    ],
    # Spanish: a voice heard, or someone insisting, telling the writer to
    # kill themselves or someone; an ordinary "me dice que me tire" is not.
    "voices_es_more": [
        ("llevo toda la noche escuchando q me tengo q matar", CRISIS),
        ("oigo una voz que no es mia y me dice que mate a mi perro", CRISIS),
        ("yo no quiero pero ellos insisten, que me tire al tren", CRISIS),
        ("mi mama me dice que me tire a descansar un rato", NONE),
    ],
    # Spanish: hiding from someone breaking things now.
    "hiding_es": [
        ("estoy escondida en el bano, el esta rompiendo todo afuera", CRISIS),
        ("ayuda esta rompiendo la puerta", CRISIS),
    ],
    # Spanish: no longer anyone's problem by tomorrow; not going "ever".
    "gone_es": [
        ("manana a esta hora ya no voy a ser problema de nadie", CRISIS),
        ("manana no voy a ir a la escuela ni nunca", CRISIS),
    ],
    # English self-harm in fragments, without "I".
    "cut_fragments": [
        ("cut deep. bleeding", CRISIS),
        ("just cut, bleeding bad", CRISIS),
        ("cut deeper than i meant to, it's kind of open", CRISIS),
        ("blade out. already cut twice", CRISIS),
        ("just cut my bangs, they look awful lol", NONE),
    ],
    # Spanish: sexual urges toward children named by what they would do.
    "urges_es": [
        ("tengo impulsos de abusar de un nino", CRISIS),
        ("me dan ganas de tocar a ninos", CRISIS),
    ],
    # Settling affairs with a farewell: nothing needed any more, funeral
    # instructions left.
    "settling_es": [
        ("regale mi ropa y mi play, ya no me hace falta nada", CRISIS),
        ("deje las instrucciones de mi funeral en el cajon, adios", CRISIS),
    ],
}


@pytest.mark.parametrize(
    "text, level",
    _class_params({**SESSION_40, **SESSION_43, **SESSION_44, **SESSION_45, **SESSION_46}),
)
def test_session_40_to_46_classes(text, level):
    assert assess(text).level == level


@pytest.mark.parametrize("text, level", _class_params({**SESSION_35, **SESSION_36, **SESSION_37}))
def test_session_35_to_37_classes(text, level):
    assert assess(text).level == level
