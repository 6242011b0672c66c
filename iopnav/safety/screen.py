"""The crisis screen: a rule-based reading of one message, independent of the
ML classifier, so a crisis is caught even when the classifier is wrong.

assess(text) returns an Assessment with a level:
  "crisis"     hand off to crisis help now;
  "ambiguous"  distress without explicit risk: ask one screening question;
  "none"       nothing found, or only idioms, history, negated or
               question-about-services mentions (the `suppressed` reasons say
               which, so the ML's own crisis vote can be overruled with cause).

Limits, on purpose: it reads English and basic Spanish; it matches patterns
(lemma and surface), so novel phrasing relies on the ML `crisis` intent,
which the Rasa component combines with this screen.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from iopnav import settings

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
SPACY_MODEL_DIR = settings.PROJECT_ROOT / "var" / "spacy" / "en_iop"

CRISIS, AMBIGUOUS, NONE = "crisis", "ambiguous", "none"

# SMS spellings and contractions, expanded before lemmatising so that
# "im gonna kms", "i dont wanna live" and "I'm not okay" read alike.
_EXPANSIONS = [
    (r"\bi'?m\b", "i am"), (r"\bi'?ve\b", "i have"), (r"\bi'?ll\b", "i will"), (r"\bi'?d\b", "i would"),
    (r"\bwon'?t\b", "will not"), (r"\bcan'?t\b", "can not"), (r"\bcannot\b", "can not"),
    (r"\bdon'?t\b", "do not"), (r"\bdoesn'?t\b", "do not"), (r"\bdoes not\b", "do not"), (r"\bdidn'?t\b", "did not"),
    (r"\bisn'?t\b", "is not"), (r"\baren'?t\b", "are not"), (r"\bwasn'?t\b", "was not"),
    (r"\bwouldn'?t\b", "would not"), (r"\bshouldn'?t\b", "should not"), (r"\bcouldn'?t\b", "could not"),
    (r"\bhaven'?t\b", "have not"), (r"\bain'?t\b", "am not"),
    (r"\b(he|she|it|that|there)'s been\b", r"\1 has been"), (r"\b(he|she|it|that|there|what)'s\b", r"\1 is"), (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(he|she|they|you|we)'d\b", r"\1 would"), (r"\b(he|she|they|you|we)'ll\b", r"\1 will"),
    (r"\bwanna\b", "want to"), (r"\bgonna\b", "going to"), (r"\bgotta\b", "got to"),
    (r"\bwant2\b", "want to"), (r"\bu\b", "you"), (r"\bur\b", "your"), (r"\br\b", "are"),
    (r"\brn\b", "right now"), (r"\btn\b", "tonight"), (r"\b2nite\b", "tonight"), (r"\btonite\b", "tonight"),
    (r"\bb4\b", "before"), (r"\bcuz\b", "because"), (r"\bppl\b", "people"), (r"\bsm\b", "so much"),
    (r"\bmy self\b", "myself"), (r"\bmyslef\b", "myself"), (r"\bmysef\b", "myself"), (r"\bmyselff\b", "myself"),
    (r"\bkil\b", "kill"), (r"\bkilll\b", "kill"), (r"\bsuicidle\b", "suicidal"),
    (r"\bself harm\b", "self-harm"), (r"\bselfharm\b", "self-harm"),
    (r"\bo\.?d\.?'?d\b", "odd"), (r"\bod'?ing\b", "oding"),
    # SMS spellings seen in crisis texts: "i want 2 die", "thinkin bout killin myself".
    (r"\b(want|wanna|going|gonna|how|wish|trying|try|need|ready|about|plan|planning|deserve) 2\b", r"\1 to"),
    (r"\b(kill|think|cutt|dy|try|go|plann|hurt|feel|tak|jump|end|liv|do|noth|someth|hid|burn|say|talk|text|post"
     r"|drink|us|bleed|breath|shak|want|wish|hop|pray|wait|hang|shoot|sleep|cry|los|stab)in\b", r"\1ing"),
    (r"\bbout\b", "about"), (r"\blyfe\b", "life"), (r"\bded\b", "dead"),
    (r"\b(to|wanna|gonna|gunna|will|i) dye\b", r"\1 die"),
    (r"\bs/h\b", "self-harm"), (r"\bsh'(?:d|ed)\b", "self-harmed"), (r"\bsh'?ing\b", "self-harming"),
    (r"\b([a-z])\.([a-z])\.([a-z])\.?(?=\s|$)", r"\1\2\3"),
]
_EXPANSIONS = [(re.compile(p), r) for p, r in _EXPANSIONS]

_NEGATION = re.compile(r"\b(?:not|never|no|nor|without|n't|neither|nothing about)\b(?:\s+\S+){0,3}\s*$")
_NEGATION_BLOCKERS = re.compile(
    r"\b(?:sure|if|whether|know|why|only|just|but|stop|quit|help|wait|anymore|keep|day go by|day goes by|anyone|care)\b"
)
# A negation governs its own clause only: "he won't leave, he has a gun".
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|but|so|because|cause|cuz|then)\b")

# Frames that make a mention something other than a present crisis.
_REMOTE_TIME = re.compile(
    r"\b(?:(?:\d+|a few|few|couple of|several|many|two|three|four|five|six|ten) (?:year|years|yrs|decade|decades) ago|years ago|decades ago|ages ago"
    r"|(?:in|back in|during|since) (?:19|20)\d\d|in (?:19|20)\d\d|'\d\d\b"
    r"|(?:when|while) i (?:was|were|be) (?:younger|young|a kid|a child|a teen|a teenager|little|in (?:high school|middle school|college|school)|\d+)"
    r"|as a (?:kid|child|teen|teenager|young adult)|in (?:high school|middle school|college|my teens|my twenties|my 20s)"
    r"|(?:long|a long) time ago|years back|last year|in my past|in the past(?! (?:\w+ )?(?:day|days|week|weeks|month|hour|hours|night|couple|few))"
    r"|used to|\d+ (?:years|yrs) (?:clean|sober|ago|free|since)|(?:clean|sober|free) (?:for|since) (?:\d+|a|two|three|five|several|many) (?:years?|yrs)"
    r"|(?:from|in|during) my (?:teen|teenage|college|younger|high school|twenties|20s) years|history of|(?:a |my )?past (?:self-harm|suicid\w*|attempt\w*|overdos\w*|cutting))\b"
)
_PRESENT_RISK = re.compile(
    r"\b(?:again|lately|recently|these days|right now|tonight|today|this week|this morning|last night|yesterday"
    r"|still|keep|keeps|kept|coming back|are back|is back|come back|came back|starting to|started to|start to|urge|urges"
    r"|relapse\w*|planning|thinking about it|want to|wanna|can not stop|scared i will|afraid i will|might do it"
    r"|i am (?:thinking|planning|considering|going to|about to|ready)|for the first time)\b"
)
# Weaker signs of the present ("and now", "every day"): they end a history
# frame unless the message also says the person is stable now.
_WEAK_PRESENT = re.compile(r"\b(?:but now|and now|now (?:it|i|its|that)|every day|every night|all the time|these days)\b")
# Past risk that is coming back ("attempted years ago ... thinking about it
# again") is present risk, whatever the history frame says.
_RISK_HISTORY = re.compile(
    r"\b(?:attempt\w*|tried to (?:kill|end|hurt)|overdos\w*|self-harm\w*|cut(?:ting)? myself|suicid\w*|od'?d|oding"
    r"|i cut|^cut|cutting)\b"
)
_RECURRENCE = re.compile(
    r"\b(?:again|lately|recently|these days|coming back|come back|came back|are back|is back|returning|right now"
    r"|tonight|starting to|started to|thinking about it|thinking about doing it)\b"
)
_STABLE = re.compile(
    r"\b(?:stable|sober|clean|in recovery|recovered|doing (?:well|better|good|great|ok|okay)|fine now|okay now|ok now"
    r"|better now|good place|healthy|survived|got help|got better|safe now|helped|resolved|behind me|in remission"
    r"|no longer|have not since|not since"
    r"|now i (?:want|would like|need|am looking|am dealing|am ready|am working|am trying to get)\b(?! to (?:die|kill|end|hurt|cut|disappear))"
    r")\b"
)
_QUESTION_START = re.compile(
    r"^\s*(?:do|does|did|can|could|is|are|will|would|should|how|what|which|who|whom|any|anyone|if|when|where|y'?all)\b"
)
_SERVICE_WORDS = re.compile(
    r"\b(?:you|your|y'?all|program|programs|iop|iops|clinic|staff|therap\w*|counsel\w*|treat\w*|help with|help for|policy|protocol"
    r"|handle|accept|admit|take people|work with|specializ\w*|group|groups|patient|patients|client|clients|people|someone|somebody"
    r"|anyone|a person|those|insurance|cover\w*|intake|assessment\w*|screen\w*|prevention|awareness|training|trained"
    r"|resources|steps|warning signs|signs|talk to|support|survivors|mention\w*|families|parents)\b"
)
_FIRST_PERSON_NOW = re.compile(
    r"\b(?:i am|i be|i feel|i have been|i have be|i keep|i want|i am having|i have|i be have|i get|i started|me)\b"
)
_GENERIC_SUBJECT = re.compile(
    r"\b(?:people|someone|somebody|anyone|patients|clients|those|a person|teens|kids|individuals|folks|a patient|a client|residents|members)\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what if|in case|if i ever|should i ever|if i (?:start|get|feel|were|had|became)|if someone|hypothetically"
    r"|ask(?:ed|s)? (?:me )?(?:if|whether))\b"
)
_MEDIA = re.compile(
    r"\b(?:book|novel|movie|film|show|episode|series|season|song|lyrics|game|character|characters|news|article|documentary"
    r"|video|podcast|anime|manga|netflix|hbo|tv|essay|character's|villain|hero|memoir|album|band|metallica|reading)\b"
)
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|him|her|them|himself|herself|themselves|his|their)\b")
_IDIOMS = re.compile(
    r"\b(?:(?:be|is|are|was|it|this|that|\w+) killing me|kill(?:s|ing)? me (?:lol|haha|lmao)|could kill for|would kill for|kill for a"
    r"|dying (?:to|for) (?:know|try|see|hear|get|meet|start|join|ask|find out|go|have|eat)|to die for|die (?:of|from) (?:embarrassment|laughter|boredom|cringe|shame)"
    r"|death of me|killed it|kill it|killing it|nailed it|bored to death|scared to death|worried to death|sick to death|dead tired"
    r"|dying (?:of|from) laughter|i am dead (?:lol|haha|lmao|😂)|dead (?:phone|battery)|kill (?:time|the lights|the engine|the music|the vibe|the mood)"
    r"|murder on (?:my|the)|(?:traffic|commute|this|it|that) (?:is|was) murder|drop dead gorgeous|kill two birds|dressed to kill|make a killing"
    r"|overkill|killer (?:app|deal|workout|headache|view)|my (?:feet|back|head|legs) (?:are|is) killing|shoot me a text|shoot (?:me|you) an email"
    r"|shoot me a message|i could die (?:of|from)|i am dying here (?:lol|haha)|dying laughing"
    r"|(?:kill|strangle|murder) me for (?:telling|saying|this|sharing|asking|being late|posting)"
    r"|(?:it|that|this|reality|the news) (?:just |really |finally |suddenly )?(?:hit|hits) me)\b"
)
_JOKING = re.compile(r"\b(?:lol|lmao|haha+|jk|just kidding|kidding)\b|😂|🤣")


@dataclass
class Match:
    category: str
    kind: str  # strong | topic | ambiguous
    pattern: str
    text: str
    sentence: str


@dataclass
class Assessment:
    level: str
    category: Optional[str] = None
    evidence: List[str] = field(default_factory=list)
    suppressed: List[str] = field(default_factory=list)
    language: str = "en"

    @property
    def is_crisis(self) -> bool:
        return self.level == CRISIS

    def as_dict(self) -> Dict:
        return {
            "level": self.level, "category": self.category, "evidence": self.evidence,
            "suppressed": self.suppressed, "language": self.language,
        }


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "soooo" -> "soo"
    for pattern, repl in _EXPANSIONS:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text: str) -> List[str]:
    parts = re.split(r"[.!?;\n]+|\s+(?:also|btw|and also|plus|anyway)\s+|,\s*but\s+|\s+but\s+", text)
    return [p.strip(" ,") for p in parts if p and p.strip(" ,")]


@lru_cache(maxsize=1)
def _nlp():
    import spacy

    if (SPACY_MODEL_DIR / "meta.json").exists():
        return spacy.load(SPACY_MODEL_DIR)
    # Same recipe as scripts/build_spacy_model.py, built in memory.
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def lemma_text(text: str) -> str:
    return " ".join(t.lemma_.lower() if t.lemma_ else t.lower_ for t in _nlp()(text) if not t.is_space)


@lru_cache(maxsize=1)
def _lexicon() -> Dict[str, List[Tuple[str, str, "re.Pattern"]]]:
    data = yaml.safe_load(LEXICON_PATH.read_text())
    compiled = {}
    for kind in ("strong", "topic", "ambiguous", "message"):
        compiled[kind] = [
            (category, raw, re.compile(raw))
            for category, patterns in (data.get(kind) or {}).items()
            for raw in patterns
        ]
    return compiled


def _find(kind: str, views: Tuple[str, ...], sentence: str) -> List[Match]:
    found = []
    for category, raw, rx in _lexicon()[kind]:
        for view in views:
            m = rx.search(view)
            if m:
                found.append(Match(category, kind, raw, m.group(0), sentence))
                break
    return found


def _negated(view: str, match_text: str) -> bool:
    idx = view.find(match_text)
    if idx < 0:
        return False
    clause = _CLAUSE_BREAK.split(view[:idx])[-1]
    window = " ".join(clause.split()[-4:])
    return bool(_NEGATION.search(window + " ")) and not _NEGATION_BLOCKERS.search(window)


def _personal(match_text: str) -> bool:
    """A match that names the writer ("kill myself", "my life") is never a
    question about services, a media mention or a story about others."""
    return bool(re.search(r"\b(?:myself|me|my|i|mine)\b", match_text))


def _is_spanish(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text))
    return len(words & {"quiero", "no", "me", "mi", "que", "de", "la", "el", "vivir", "morir", "estoy", "ya", "se", "por", "para", "hijo", "hija", "tengo", "puedo"}) >= 3 or bool(
        re.search(r"\b(?:quiero|morirme|matarme|suicid|vivir|estoy|ayuda|hijo|hija)\b", text)
        and not re.search(r"\b(?:the|and|you|i|is|are|do|what)\b", text)
    )


class CrisisScreen:
    """Reads one message; stateless, thread-safe once the lexicon is loaded."""

    def __init__(self) -> None:
        _lexicon()
        _nlp()

    def assess(self, text: str) -> Assessment:
        norm = normalise(text)
        language = "es" if _is_spanish(norm) else "en"
        whole_joking = bool(_JOKING.search(norm))
        message_has_present_risk = bool(_PRESENT_RISK.search(norm))
        stable = bool(_STABLE.search(norm))
        message_is_history = (
            bool(_REMOTE_TIME.search(norm)) and not message_has_present_risk
            and (stable or not _WEAK_PRESENT.search(norm))
        )

        crisis: List[Match] = []
        ambiguous: List[Match] = []
        suppressed: List[str] = []
        sentences = split_sentences(norm) or [norm]
        ends_with_question = norm.rstrip().endswith("?")
        for i, sentence in enumerate(sentences):
            lemmas = lemma_text(sentence)
            views = (sentence, lemmas)
            is_question = _QUESTION_START.search(sentence) is not None or (
                ends_with_question and i == len(sentences) - 1
            )
            service_frame = is_question and bool(_SERVICE_WORDS.search(sentence))
            generic_subject = bool(_GENERIC_SUBJECT.search(sentence))
            first_person = bool(_FIRST_PERSON_NOW.search(lemmas) or _FIRST_PERSON_NOW.search(sentence))
            hypothetical = bool(_HYPOTHETICAL.search(sentence))
            media = bool(_MEDIA.search(sentence))
            idioms = [m.group(0) for m in _IDIOMS.finditer(sentence)]

            for m in _find("strong", views, sentence):
                if any(m.text in phrase or phrase in m.text or " ".join(phrase.split()[:2]) in m.text
                       for phrase in idioms):
                    suppressed.append("idiom")
                elif message_is_history:
                    suppressed.append("history")
                elif service_frame and not first_person and not _personal(m.text):
                    suppressed.append("question_about_services")
                elif media and not _personal(m.text):
                    suppressed.append("media")
                elif m.category == "harm_others" and whole_joking and not first_person_self(sentence):
                    suppressed.append("joking")
                elif hypothetical or _negated(lemmas, m.text) or _negated(sentence, m.text):
                    ambiguous.append(m)
                    suppressed.append("negated_or_hypothetical")
                else:
                    crisis.append(m)
            for m in _find("topic", views, sentence):
                if message_is_history:
                    suppressed.append("history")
                elif _negated(lemmas, m.text) or _negated(sentence, m.text):
                    suppressed.append("negated")
                elif media and not _personal(m.text):
                    suppressed.append("media")
                elif service_frame and (generic_subject or not first_person):
                    suppressed.append("question_about_services")
                elif hypothetical:
                    ambiguous.append(m)
                    suppressed.append("hypothetical")
                else:
                    crisis.append(m)
            if not crisis:
                for m in _find("ambiguous", views, sentence):
                    if service_frame and not first_person:
                        suppressed.append("question_about_services")
                    elif not (message_is_history or _negated(lemmas, m.text)):
                        ambiguous.append(m)
            if idioms:
                suppressed.append("idiom")

        if not crisis and not message_is_history:
            for m in _find("message", (norm, lemma_text(norm)), norm):
                if not (_negated(norm, m.text) or _negated(lemma_text(norm), m.text)):
                    crisis.append(m)
        recurrence = _RISK_HISTORY.search(norm) and _RECURRENCE.search(norm)
        if recurrence and not crisis and not _negated(norm, recurrence.group(0)):
            category = "self_harm" if re.search(r"self-harm|cut", recurrence.group(0)) else "suicidal_explicit"
            crisis.append(Match(category, "strong", "recurrence", recurrence.group(0), norm))
        if crisis:
            return Assessment(CRISIS, _category(crisis), [m.text for m in crisis], suppressed, language)
        if ambiguous:
            return Assessment(AMBIGUOUS, "ambiguous_distress", [m.text for m in ambiguous], suppressed, language)
        if message_is_history and _STABLE.search(norm):
            suppressed.append("history")
        return Assessment(NONE, None, [], sorted(set(suppressed)), language)


def first_person_self(sentence: str) -> bool:
    return bool(re.search(r"\b(?:myself|my life|i want to die)\b", sentence))


def _category(matches: List[Match]) -> str:
    # Most specific first: a third party or a medical emergency changes what
    # staff should do, so it names the flag even if a generic term matched too.
    order = [
        "overdose_medical", "plan_or_means", "third_party", "danger_abuse", "harm_others",
        "self_harm", "suicidal_explicit", "suicidal_passive", "slang",
    ]
    cats = {m.category for m in matches}
    for cat in order:
        if cat in cats:
            return cat
    return matches[0].category


@lru_cache(maxsize=1)
def default_screen() -> CrisisScreen:
    return CrisisScreen()


def assess(text: str) -> Assessment:
    return default_screen().assess(text)
