"""The crisis screen: a rule-based reading of one message, independent of the
ML classifier, so a crisis is caught even when the classifier is wrong.

assess(text) returns an Assessment with a level:
  "crisis"     hand off to crisis help now;
  "ambiguous"  distress without explicit risk: ask one screening question;
  "none"       nothing found, or only idioms, history, negated or
               question-about-services mentions (the `suppressed` reasons say
               which, so the ML's own crisis vote can be overruled with cause).

Each sentence is read in several views: the normalised surface text (SMS
spellings expanded, masked/spaced/stretched risk words recovered, emoji that
name a means turned into words), its lemmas, both again without filler words
("really", "tbh"), and, when someone else is quoted, with the third person read
as the speaker ("my son said he wants to die") so that every first-person
pattern also catches reports. Frames then decide what a match means: idiom,
history (sentence-local), question about services or general information,
media, conditional advice question, loss of someone already dead, negation.
A `message:` section is read across sentences (intake then symptom, means
plus intent). Patterns carry required literals for a cheap prefilter.

Limits, on purpose: it reads English and basic Spanish, Portuguese and French;
it matches patterns, so novel phrasing relies on the ML `crisis` intent,
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
_EXPANSION_TABLE = [
    (r"\bi'?m\b", "i am"),
    (r"\bi'?ve\b", "i have"),
    (r"\bi'?ll\b", "i will"),
    (r"\bi'?d\b", "i would"),
    (r"\bwon'?t\b", "will not"),
    (r"\bcan'?t\b", "can not"),
    (r"\bcannot\b", "can not"),
    (r"\bdon'?t\b", "do not"),
    (r"\bdoesn'?t\b", "do not"),
    (r"\bdoes not\b", "do not"),
    (r"\bdidn'?t\b", "did not"),
    (r"\bisn'?t\b", "is not"),
    (r"\baren'?t\b", "are not"),
    (r"\bwasn'?t\b", "was not"),
    (r"\bwouldn'?t\b", "would not"),
    (r"\bshouldn'?t\b", "should not"),
    (r"\bcouldn'?t\b", "could not"),
    (r"\bhaven'?t\b", "have not"),
    (r"\bain'?t\b", "am not"),
    (r"\b(tonight|today|tomorrow)'s\b", r"\1 is"),
    (r"\b(he|she|it|that|there)'s been\b", r"\1 has been"),
    (r"\b(he|she|it|that|there|what)'s\b", r"\1 is"),
    (r"\b(you|we|they)'re\b", r"\1 are"),
    (r"\b(he|she|they|you|we)'d\b", r"\1 would"),
    (r"\b(he|she|they|you|we)'ll\b", r"\1 will"),
    (r"\bwanna\b", "want to"),
    (r"\bgonna\b", "going to"),
    (r"\bgotta\b", "got to"),
    (r"\bfinna\b", "going to"),
    (r"\bim+a\b", "i am going to"),
    (r"\btryna\b", "trying to"),
    (r"\bgunna\b", "going to"),
    (r"\babt\b", "about"),
    (r"\bw/", "with "),
    (r"\bw(?= (?:life|it|this|that|everything|my|me|him|her|them|a|the)\b)", "with"),
    (r"\b(?:bc|bcuz|bcoz)\b", "because"),
    (r"\b(?:tmrw|tmr|tmrow|2moro|2morrow|tomoro)\b", "tomorrow"),
    (r"\bwant2\b", "want to"),
    (
        r"\b(active|passive|having|my|the|with|have|experiencing|bad|some|of) si\b",
        r"\1 suicidal ideation",
    ),
    (r"\bsui (thoughts?|ideation|urges?|feelings?|vibes)\b", r"suicidal \1"),
    (r"\blemme\b", "let me"),
    (r"\bu\b", "you"),
    (r"\bur\b", "your"),
    (r"\br\b", "are"),
    (r"\brn\b", "right now"),
    (r"\btn\b", "tonight"),
    (r"\b2nite\b", "tonight"),
    (r"\btonite\b", "tonight"),
    (r"\bb4\b", "before"),
    (r"\bcuz\b", "because"),
    (r"\bppl\b", "people"),
    (r"\bsm\b", "so much"),
    (r"\bmy self\b", "myself"),
    (r"\bmyslef\b", "myself"),
    (r"\bmysef\b", "myself"),
    (r"\bmyselff\b", "myself"),
    (r"\bkil\b", "kill"),
    (r"\bkilll\b", "kill"),
    (r"\bsuicidle\b", "suicidal"),
    (r"\bself harm\b", "self-harm"),
    (r"\bselfharm\b", "self-harm"),
    (r"\bo\.?d\.?'?d\b", "odd"),
    (r"\bod'?ing\b", "oding"),
    # SMS spellings seen in crisis texts: "i want 2 die", "thinkin bout killin myself".
    (
        r"\b(want|wanna|going|gonna|how|wish|trying|try|need|ready|about|plan|planning|deserve)"
        r" 2\b",
        r"\1 to",
    ),
    (
        r"\b(kill|think|cutt|dy|try|go|plann|hurt|feel|tak|jump|end|liv|do|noth|someth|hid|burn|sa"
        r"y|talk|text|post"
        r"|drink|us|bleed|breath|shak|want|wish|hop|pray|wait|hang|shoot|sleep|cry|los|stab)in\b",
        r"\1ing",
    ),
    (r"\bbout\b", "about"),
    (r"\blyfe\b", "life"),
    (r"\bded\b", "dead"),
    (r"\b(to|wanna|gonna|gunna|will|i) dye\b", r"\1 die"),
    (r"\bs/h\b", "self-harm"),
    (r"\b(to|might|will|may|could|would|did|and|i|not|urge to) sh\b(?!-)", r"\1 self-harm"),
    (r"\b(an?|no|my|the|of|on|with|into) sh\b(?!-)", r"\1 self-harm"),
    (r"\bsh (relapse|urges?|scars?|again|thoughts?|cravings?|wounds?)\b", r"self-harm \1"),
    (r"\bsh'(?:d|ed)\b", "self-harmed"),
    (r"\bsh'?ing\b", "self-harming"),
    (r"\b([a-z])\.([a-z])\.([a-z])\.?(?=\s|$)", r"\1\2\3"),
]
_EXPANSIONS = [(re.compile(p), r) for p, r in _EXPANSION_TABLE]

# Emoji that name a means; "su!c!de", "k1ll", "s*icide", "k m s" read as words.
_EMOJI = {
    "\U0001f52b": " gun ",
    "\U0001f52a": " knife ",
    "\U0001fa78": " blood ",
    "\U0001f48a": " pills ",
    "\U0001faa2": " rope ",
    "\u26b0": " coffin ",
    "\U0001faa6": " grave ",
}
_LEET = [
    (re.compile(r"(?<=[a-z])[!1|](?=[a-z])"), "i"),
    (re.compile(r"(?<=[a-z])3(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z])0(?=[a-z])"), "o"),
    (re.compile(r"(?<=[a-z])@(?=[a-z])"), "a"),
    (re.compile(r"(?<=[a-z])\$(?=[a-z])"), "s"),
    (re.compile(r"(?<![\w$])\$(?=[a-z]{3})"), "s"),
]
# Risk words that people mask or spell out; a masked or spaced token that can
# only be one of these is read as that word.
_RECOVERABLE = (
    "suicide",
    "suicidal",
    "kill",
    "killing",
    "myself",
    "die",
    "dying",
    "dead",
    "death",
    "cut",
    "cutting",
    "overdose",
    "unalive",
    "kms",
    "kys",
    "ctb",
    "self",
    "harm",
    "hang",
    "noose",
)
_MASKED = re.compile(r"\b[a-z]*\*+[a-z*]*\b|\b[a-z]+\*+")
_SPACED = re.compile(r"\b(?:[a-z] ){2,}[a-z]\b")


def _unmask(token: str) -> str:
    rx = re.compile(
        "".join("[a-z]{1,3}" if c == "*" else re.escape(c) for c in re.sub(r"\*+", "*", token))
        + "$"
    )
    hits = [w for w in _RECOVERABLE if rx.match(w)]
    return hits[0] if len(hits) == 1 else token


def _collapse(word: str) -> str:
    return re.sub(r"([a-z])\1+", r"\1", word)


_BY_COLLAPSED = {_collapse(w): w for w in _RECOVERABLE}
_DOUBLED = re.compile(r"\b[a-z]*([a-z])\1[a-z]*\b")


def _undouble(m: "re.Match") -> str:
    """ "dieee", "killll", "deadd": a stretched risk word reads as the word."""
    word = m.group(0)
    return _BY_COLLAPSED.get(_collapse(word), word) if word not in _BY_COLLAPSED.values() else word


def _unspace(run: str) -> str:
    joined = run.replace(" ", "")
    return joined if joined in _RECOVERABLE else run


_NEGATION = re.compile(
    r"\b(?:not|never|no|nor|without|n't|neither|nothing about|nobody|no"
    r" one|none|noone|nothing)\b(?:\s+\S+){0,4}\s*$"
)
_NEGATION_BLOCKERS = re.compile(
    r"\b(?:sure|if|whether|know|why|only|just|but|stop|quit|help|wait|anymore|keep|day go by|day"
    r" goes by|anyone|care"
    r"|thought i|thought that|imagined i|expected to|ever thought)\b"
)
# A negation governs its own clause only: "he won't leave, he has a gun".
_CLAUSE_BREAK = re.compile(r"[,;:]|\b(?:and|but|so|because|cause|cuz|then)\b")

# Frames that make a mention something other than a present crisis.
_REMOTE_TIME = re.compile(
    r"\b(?:(?:\d+|a few|few|couple of|a couple|a couple"
    r" of|several|many|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|twenty|thirty|forty|a dozen)"
    r" (?:year|years|yrs|decade|decades) ago|years ago|decades ago|ages ago"
    r"|(?:it is been|it has been|it been|been|that was|that is been|that has been) (?:over |more"
    r" than |almost |about |nearly |well over |at least )?"
    r"(?:(?:\d+|a few|few|several|many|two|three|four|five|six|seven|eight|nine|ten|a dozen)"
    r" (?:years?|yrs|decades?)|a decade|decades)"
    r"|(?:over|more than|almost|nearly) a decade|a decade ago"
    r"|(?:during|through|throughout|in) (?:college|high school|middle school|junior"
    r" high|university|grad school|the army|the military"
    r"|my (?:early |mid |late )?(?:teens|twenties|20s|thirties|30s|forties|40s)|my"
    r" addiction|active addiction|my (?:drinking|using|addiction) days)"
    r"|before i got (?:sober|clean|help|treatment|into recovery)"
    r"|(?<![\d/.$-])(?:19[5-9]\d|200\d|201\d|202[0-3])(?![\d/.%])"
    r"|(?:spent|wasted|lost) my (?:early |mid |late )?(?:teens|teenage"
    r" years|twenties|20s|thirties|30s|youth|childhood)"
    r"|(?:clean|sober|free) (?:from|of) [\w-]+(?: \w+)? (?:for|since)"
    r" (?:\d+|a|two|three|four|five|six|several|many|a few) (?:years?|yrs|months)"
    r"|at (?:age )?\d{1,2}\b.*\bnow (?:i am |i be )?\d{2}"
    r"|back in my (?:\w+ )?days|as a teen\w*|when i was (?:using|drinking|in active"
    r" addiction|still using|still drinking)"
    r"|(?:in|back in|during|since) (?:19|20)\d\d|in (?:19|20)\d\d|'\d\d\b"
    r"|(?:when|while) i (?:was|were|be) (?:younger|young|a kid|a child|a teen|a"
    r" teenager|little|in (?:high school|middle school|college|school)|\d+)"
    r"|as a (?:kid|child|teen|teenager|young adult)|in (?:high school|middle school|college|my"
    r" teens|my twenties|my 20s)"
    r"|(?:long|a long) time ago|years back|last year|in my past|in the past(?! (?:\w+"
    r" )?(?:day|days|week|weeks|month|hour|hours|night|couple|few))"
    r"|used to|\d+ (?:years|yrs) (?:clean|sober|ago|free|since)|(?:clean|sober|free)"
    r" (?:for|since) (?:\d+|a|two|three|five|several|many) (?:years?|yrs)"
    r"|(?:from|in|during) my (?:teen|teenage|college|younger|high school|twenties|20s)"
    r" years|history of|(?:a |my )?past (?:self-harm|suicid\w*|attempt\w*|overdos\w*|cutting))\b"
)
_PRESENT_RISK = re.compile(
    r"\b(?:again|lately|recently|these days|right now|tonight|today|this week|this morning|last"
    r" night|yesterday"
    r"|still|(?:keep|keeps|kept)(?! (?:it that way|it up|my"
    r" (?:appointment|spot|job|insurance)|going to (?:group|meetings|therapy)|(?:me|myself)"
    r" (?:sober|clean|safe|busy)))|coming back|are back|is back|come back|came back|starting"
    r" to|started to|start to|urge|urges"
    r"|relapse\w*|planning|thinking about it|can not stop|scared i will|afraid i will|might do it"
    r"|(?<!used to )(?:want to|wanna)(?!"
    r" (?:get|find|join|know|learn|start|ask|talk|volunteer|help|stay|keep|continue|make sure|be"
    r" sure"
    r"|work|try|see|sign|enroll|apply|come|attend|do (?:iop|group|the|a|an|some)|be a|become|give"
    r" back|share|say|thank|understand|check"
    r"|schedule|book|switch|change|hear|meet|go back|return|focus|address|deal|work on|be part|be"
    r" in|be there|mention|note|add|let))"
    r"|last week|last weekend|this month|last month|(?:a few|few|couple of|a couple"
    r" of|two|three|\d+) (?:days|weeks|hours|minutes) ago"
    r"|the other (?:day|night)|this (?:afternoon|evening)|earlier today|just now|an hour ago"
    r"|i am (?:thinking|planning|considering|about to)|for the first time"
    r"|i am going to(?! (?:start|join|try|call|ask|talk|get|need|be (?:in|at|late)|come|attend|do"
    r" (?:iop|group|the)|miss|bring|sign|look|see))"
    r"|i am ready(?! (?:to (?:talk|start|get|work|join|do|begin|try|share|open|go"
    r" to|come|make|change|face|heal|deal|address)|for (?:help|treatment|iop|change))))\b"
)
# Weaker signs of the present ("and now", "every day"): they end a history
# frame unless the message also says the person is stable now.
_WEAK_PRESENT = re.compile(
    r"\b(?:but now|and now|now (?:it|i|its|that)|every day|every night|all the time|these days)\b"
)
# Past risk that is coming back ("attempted years ago ... thinking about it
# again") is present risk, whatever the history frame says.
_RISK_HISTORY = re.compile(
    r"\b(?:attempt\w*|tried to (?:kill|end|hurt)|overdos\w*|self-harm\w*|cut(?:ting)?"
    r" myself|suicid\w*|od'?d|oding"
    r"|i cut|^cut|cutting)\b"
)
_RECURRENCE = re.compile(
    r"\b(?:again|lately|recently|these days|coming back|come back|came back|are back|is"
    r" back|returning|right now|last night|yesterday"
    r"|this morning|earlier today"
    r"|tonight|starting to|started to|thinking about it|thinking about doing it)\b"
)
_STABLE = re.compile(
    r"\b(?:stable|sober|clean|in recovery|recovered|doing (?:well|better|good|great|ok|okay)|fine"
    r" now|okay now|ok now"
    r"|better now|good place|healthy|survived|got help|got better|safe now|helped|resolved|behind"
    r" me|in remission"
    r"|no longer|have not since|not since|behind me|better place|doing great|changed"
    r" that|scars|proud|peer (?:counselor|mentor|support)"
    r"|lived experience|not anymore|do not feel that way|got out|much better"
    r"|now i (?:want|would like|need|am looking|am dealing|am ready|am working|am trying to"
    r" get)\b(?! to (?:die|kill|end|hurt|cut|disappear))"
    r")\b"
)
# Risk told in the past tense by the writer, then said to be over: history
# even without a date ("I was suicidal after my divorce but that's behind me").
_PAST_RISK = re.compile(
    r"\b(?:i (?:was|were) (?:\w+ )?(?:suicidal|hospitalized|cutting|self-harming|in an"
    r" abusive|abused|overdosing)"
    r"|i (?:tried|attempted|survived|overdosed|odd|cut myself|self-harmed|burned myself|used"
    r" to|wrote a (?:suicide )?note)"
    r"|my (?:last|past|previous|old|only) (?:suicide )?(?:attempt|overdose))\b"
)
_STABLE_NOW = re.compile(
    r"\b(?:behind me|(?:a |much |in a )?(?:better|good|great)"
    r" place|(?:fine|ok|okay|well|better|stable|safe|good) now"
    r"|now (?:i am|i be) (?:fine|ok|okay|stable|safe|well|good|doing)|do not feel that way"
    r" (?:anymore|now)|not anymore|no longer"
    r"|have not since|not since|changed that|got help|in recovery|recovered|(?:sober|clean)"
    r" (?:for|since)|years (?:sober|clean))\b"
)
_STABLE_TODAY = re.compile(
    r"\b(?:(?:in )?(?:a )?(?:much |so much )?(?:better|good|great|safe|stable|healthy)"
    r" place|(?:doing|feel|feeling) (?:well|great|good|fine|better)"
    r"|(?:sober|clean|stable|safe|fine|okay|ok|happy|healthy)) (?:today|right now|these days|this"
    r" year)\b"
    r"|\bthese days (?:i am|i be) (?:doing )?(?:well|great|good|fine|ok|okay|stable|better|safe)\b"
)
_QUESTION_START = re.compile(
    r"^\s*(?:do|does|did|can|could|is|are|will|would|should|how|what|which|who|whom|any|anyone|if|"
    r"when|where|y'?all)\b"
)
_SERVICE_WORDS = re.compile(
    r"\b(?:you|your|y'?all|program|programs|iop|iops|clinic|staff|therap\w*|counsel\w*|treat\w*|he"
    r"lp with|help for|policy|protocol"
    r"|handle|accept|admit|take people|work"
    r" with|specializ\w*|group|groups|patient|patients|client|clients|people|someone|somebody"
    r"|anyone|a person|those|insurance|cover\w*|intake|assessment\w*|screen\w*|prevention|awarenes"
    r"s|training|trained"
    r"|resources|steps|warning signs|signs|talk to|support|survivors|mention\w*|families|parents)\b"
)
_FIRST_PERSON_NOW = re.compile(
    r"\b(?:i am|i be|i feel|i have been|i have be|i keep|i want|i am having|i have|i be have|i"
    r" get|i started|me)\b"
)
_GENERIC_SUBJECT = re.compile(
    r"\b(?:people|someone|somebody|anyone|patients|clients|those|a"
    r" person|teens|kids|individuals|folks|a patient|a client|residents|members)\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what if|in case|if i ever|should i ever|if i (?:start|get|feel|were|had|became)|if"
    r" someone|hypothetically"
    r"|ask(?:ed|s)? (?:me )?(?:if|whether))\b"
)
_MEDIA = re.compile(
    r"\b(?:book|novel|movie|film|show|episode|series|season|song|lyrics|game|character|characters|"
    r"news|article|documentary"
    r"|video|podcast|anime|manga|netflix|hbo|tv|essay|character's|villain|hero|memoir|album|band|m"
    r"etallica|reading"
    r"|scene|scenes|plot|chapter|storyline|watched|headline|reporter|actor|actress|singer|rapper|c"
    r"elebrity|poem|musical)\b"
)
_THIRD_PERSON = re.compile(r"\b(?:he|she|they|him|her|them|himself|herself|themselves|his|their)\b")
_IDIOMS = re.compile(
    r"\b(?:(?:be|is|are|was|it|this|that|\w+) killing me|kill(?:s|ing)? me"
    r" (?:lol|haha|lmao)|could kill for|would kill for|kill for a"
    r"|dying (?:to|for) (?:know|try|see|hear|get|meet|start|join|ask|find"
    r" out|go|have|eat)|(?<!want )(?<!wants )(?<!wanna )(?<!need )(?<!going )(?<!ready )(?<!about"
    r" )(?<!trying )to die for(?! (?:weeks|days|months|years|a while|so long|real|fr|a long"
    r" time|the past))|die (?:of|from) (?:embarrassment|laughter|boredom|cringe|shame)"
    r"|death of me|killed it|kill it|killing it|nailed it|bored to death|scared to death|worried"
    r" to death|sick to death|dead tired"
    r"|dying (?:of|from) laughter|i am dead (?:lol|haha|lmao|😂)|dead (?:phone|battery)|kill"
    r" (?:time|the lights|the engine|the music|the vibe|the mood)"
    r"|murder on (?:my|the)|(?:traffic|commute|this|it|that) (?:is|was) murder|drop dead"
    r" gorgeous|kill two birds|dressed to kill|make a killing"
    r"|overkill|killer (?:app|deal|workout|headache|view)|my (?:feet|back|head|legs) (?:are|is)"
    r" killing|shoot me a text|shoot (?:me|you) an email"
    r"|shoot me a message|i could die (?:of|from)|i am dying here (?:lol|haha)|dying laughing"
    r"|(?:kill|strangle|murder) me for (?:telling|saying|this|sharing|asking|being late|posting)"
    r"|(?:it|that|this|reality|the news) (?:just |really |finally |suddenly )?(?:hit|hits) me"
    r"|(?:phone|phones|battery|laptop|computer|car|truck|engine|plant|plants|headphones|earbuds|ai"
    r"rpods|charger|tablet|ipad|tv|wifi"
    r"|internet|printer|flowers|garden|conversation|group chat)\b(?:'s)?(?:"
    r" (?!i\b|me\b|myself\b|want|wanna|wish)\S+){0,7}?"
    r" (?:die|dying|died|dead)"
    r"|(?:had|have|has) me (?:dying|dead|crying laughing)"
    r"|kill(?:ing|ed)? (?:this|that|the|my|it|a|our)"
    r" (?:presentation|test|exam|interview|game|workout|performance|audition|set|speech"
    r"|race|shift|project|assignment|match|routine|look|outfit|song|paper|recital|solo))\b"
)
# "If my friend says she wants to die, what should I do?": the risk is
# inside a conditional about someone else in an advice question: ask, don't alarm.
_COND_REPORT = re.compile(
    r"\b(?:if|whether|in case) (?:my|a|an|your|our|someone|somebody|anyone|a"
    r" friend|people|he|she|they|the|one of|teens|kids)\b"
    r"(?: \S+){0,4}? (?:say|says|said|tell|tells|told|mention|mentions|mentioned|talk|talks|text|t"
    r"exts|post|posts|write|writes|ever"
    r"|is|are|was|were|seem|seems|start|starts|want|wants|threaten|threatens|have|has|be|become|be"
    r"comes|get|gets|feel|feels|act|acts"
    r"|do|does|did|joke|jokes|hint|hints|admit|admits|confide|confides)\b"
)
_ADVICE = re.compile(
    r"\b(?:what (?:should|do|can|would|to) (?:i|we|you|one|parents)?|how (?:do|can|should|would)"
    r" (?:i|we|you|parents|people)|should i"
    r"|what to do|what are the|what is the|how to|is it (?:normal|ok|okay|true|common))\b"
)
# General information questions ("what are the risk factors for overdose?",
# "how do I know if my teen is cutting?"): about a topic, not a person now.
_INFO_QUESTION = re.compile(
    r"^\s*(?:what|how|why|is it|is there|are"
    r" there|are|is|when|should|can|could|do|does|where|which|who|any)\b.*\b(?:signs?|symptoms?"
    r"|risk|risks|common|normal|usual|typical|prevent\w*|support|talk to|say to|tell if|know"
    r" if|tell whether|know whether|recogni[sz]e"
    r"|spot|respond|react|handle|approach|protect|safely|lock"
    r" up|store|statistics|rates?|causes?|happens?|steps|explain|appropriate"
    r"|okay for|ok for|age|teach|lesson|class|curriculum|research|study|studies|why do|why"
    r" does|why would)\b"
)
# Words that add tone, not meaning: dropped in a third view so that
# "i dont really want to be alive" reads as "i do not want to be alive".
_FILLERS = re.compile(
    r"\b(?:really|just|honestly|actually|literally|kinda|kind of|sort"
    r" of|sorta|truly|seriously|lowkey|low key|highkey|ngl|tbh|tbf"
    r"|fr|deadass|totally|basically|simply|fucking|fuckin|freaking|freakin|effing|damn|pretty"
    r" much|genuinely|legit|even|still"
    r"|lol|lmao|idk|tho|though|anymore|any more|a lot|so much|very|so|at this point|right"
    r" now|rn)\b ?"
)
# Someone else's words told by the writer ("my son said he wants to die"):
# read again with the third person as the speaker.
_REPORT_CUE = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|himself|herself|themselves|themself|hisself)\b"
)
_THIRD_TO_FIRST = {
    "he": "i",
    "she": "i",
    "they": "i",
    "him": "me",
    "them": "me",
    "himself": "myself",
    "herself": "myself",
    "themselves": "myself",
    "themself": "myself",
    "hisself": "myself",
    "his": "my",
    "their": "my",
}
_NOT_A_NOUN = {
    "to",
    "and",
    "with",
    "in",
    "on",
    "at",
    "for",
    "again",
    "so",
    "up",
    "down",
    "out",
    "off",
    "that",
    "the",
    "a",
    "if",
    "when",
    "because",
    "but",
    "or",
    "then",
    "too",
    "badly",
    "hard",
    "really",
    "every",
    "last",
    "tonight",
    "today",
    "yesterday",
    "now",
    "anymore",
    "more",
    "about",
    "into",
    "by",
    "from",
    "over",
    "she",
    "he",
    "they",
    "i",
    "be",
}


_MEDIA_WORK = re.compile(
    r"\b(?:book|novel|movie|film|show|episode|series|song|lyrics|character|essay|article|documenta"
    r"ry|podcast|memoir|play|story"
    r"|paper|report|class|project|lesson|presentation|news|rapper|singer|actor|actress|celebrity|a"
    r"rtist|band|author)\b"
)
_LOOKING_INTO = re.compile(
    r"\b(?:read|reading|research\w*|look|looking|looked|search\w*|google\w*|think|thinking|thought"
    r"|wonder\w*|learn\w*|find|found"
    r"|figure|figured|check|checked|plan|planning|want|wanna|need|going|go|try|trying|keep|keeps)\b"
)
_OTHERS_NAMED = re.compile(
    r"\b(?:he|she|they|him|her|them|his|their|someone|somebody|people|where|who|character|characte"
    r"rs)\b"
    r"|\b(?:my|our|a|the) (?:\w+ )?(?:son|daughter|kid|kids|child|children|teen|teenager|teens|fri"
    r"end|friends|mom|mother|dad|father"
    r"|brother|sister|husband|wife|partner|boyfriend|girlfriend|roommate|cousin|aunt|uncle|nephew|"
    r"niece|client|clients|student|students"
    r"|patient|patients|coworker|family|parents|grandma|grandpa|sponsee|baby)\b"
)


# "is it normal to want to die?", "anyone else feel like ctb?": the writer
# asks about themself without saying "I".
_SELF_IMPLIED = re.compile(
    r"\b(?:is it (?:normal|bad|weird|okay|ok|wrong|crazy|strange) (?:to|that i|if i|for me to)"
    r" (?:not )?(?:want|wanna|feel|think|wish"
    r"|hope|keep|be|have|still|sometimes|always|never)|anyone else"
    r" (?:feel|want|wanna|think|get|have|ever)|am i the only one"
    r"|how do i stop|why do i|something wrong with me)\b"
)
# A named person ("my 13 year old", "my wife"): a question about them is not
# a question about services.
_SPECIFIC_OTHER = re.compile(
    r"\bmy (?:\w+ ){0,2}?(?:son|daughter|kid|kids|child|teen|teenager|friend|mom|mother|dad|father"
    r"|brother|sister|husband|wife"
    r"|partner|boyfriend|girlfriend|bf|gf|roommate|cousin|grandma|grandpa|sponsee|student|client|p"
    r"atient|\d+ ?(?:year|yr|yo)\w*(?: old)?)\b"
)
# A professional writing about a patient or student.
_PROFESSIONAL = re.compile(
    r"\bi (?:am|be|work as) (?:a|an) (?:\w+"
    r" )?(?:nurse|doctor|physician|counselor|therapist|social worker|case manager|teacher|coach"
    r"|paramedic|emt|officer|psychiatrist|psychologist|pharmacist|chaplain|pastor|caseworker|clini"
    r"cian|provider)\b"
    r"|\breferr\w* (?:a|my|our) (?:patient|client|student)"
)
# "me" that only receives words: "she tells me", "texted me".
_ME_AS_LISTENER = re.compile(
    r"\b(?:tell|tells|told|text|texts|texted|message|messaged|ask|asks|asked|send|sent|call|calls|"
    r"called"
    r"|show|showed|let|email|emailed|give|gave) me\b"
)
# A death already happened to someone else: loss, not a present crisis.
_LOSS = re.compile(
    r"\b(?:killed (?:himself|herself|themselves)|took (?:his|her|their) (?:own )?life|died"
    r" (?:by|of|from) (?:suicide|an overdose|overdose)"
    r"|committed suicide|overdosed and died|lost (?:\w+ ){0,3}to (?:suicide|an"
    r" overdose|overdose)|suicide loss)\b"
)
_LOSS_NOW = re.compile(
    r"\b(?:just|found|right now|tonight|this morning|today|tried|attempted|almost|nearly)\b"
)
_SELF_CATEGORIES = {"suicidal_explicit", "suicidal_passive", "plan_or_means", "self_harm", "slang"}


def _as_reported(view: str) -> str:
    toks = view.split()
    out = []
    for i, tok in enumerate(toks):
        if tok == "her":
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            out.append("my" if nxt and nxt not in _NOT_A_NOUN else "me")
        else:
            out.append(_THIRD_TO_FIRST.get(tok, tok))
    return " ".join(out)


_JOKING = re.compile(r"\b(?:lol|lmao|haha+|jk|just kidding|kidding)\b|😂|🤣")


@dataclass
class Match:
    category: str
    kind: str  # strong | topic | ambiguous
    pattern: str
    text: str
    sentence: str
    view: str = ""
    reported: bool = False  # found only when a third person's words were read as the speaker's


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
            "level": self.level,
            "category": self.category,
            "evidence": self.evidence,
            "suppressed": self.suppressed,
            "language": self.language,
        }


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    # Clinical shorthand "SI" (upper case, in an English clause; "SI, GRACIAS" stays Spanish).
    text = re.sub(
        r"\bSI(?= (?:is|was|has|thoughts?|again|today|tonight|lately|getting|and|with|since|every)"
        r"\b)",
        "suicidal ideation",
        text,
    )
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    text = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    for emoji, word in _EMOJI.items():
        if emoji in text:
            text = text.replace(emoji, word)
    for rx, repl in _LEET:
        text = rx.sub(repl, text)
    if "*" in text:
        text = _MASKED.sub(lambda m: _unmask(m.group(0)), text)
    text = _SPACED.sub(lambda m: _unspace(m.group(0)), text)
    text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "soooo" -> "soo"
    text = _DOUBLED.sub(_undouble, text)
    for pattern, repl in _EXPANSIONS:
        text = pattern.sub(repl, text)
    return re.sub(r"\s+", " ", text).strip()


def split_sentences(text: str) -> List[str]:
    plus = "" if re.search(r"\bne\b|\bn'", text) else "|plus"  # French "ne ... plus" is "no longer"
    parts = re.split(
        r"[.!?;\n]+|\s+(?:also|btw|and also|anyway" + plus + r")\s+|,\s*but\s+|\s+but\s+", text
    )
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
    return " ".join(
        t.lemma_.lower() if t.lemma_ else t.lower_ for t in _nlp()(text) if not t.is_space
    )


@lru_cache(maxsize=1)
def _lexicon() -> Dict[str, List[Tuple[str, str, "re.Pattern", Optional[Tuple[str, ...]]]]]:
    data = yaml.safe_load(LEXICON_PATH.read_text())
    # `macros:` name shared alternations (drug names, people) used as %NAME%.
    macros = dict((data.get("macros") or {}).items())

    def expand(raw: str) -> str:
        for _ in range(3):
            new = re.sub(r"%([A-Z_]+)%", lambda m: macros[m.group(1)], raw)
            if new == raw:
                break
            raw = new
        return raw

    compiled: Dict[str, list] = {}
    for kind in ("strong", "topic", "ambiguous", "message"):
        compiled[kind] = []
        for category, patterns in (data.get(kind) or {}).items():
            for raw in patterns:
                rx = re.compile(expand(raw))
                compiled[kind].append((category, raw, rx, _required_literals(rx.pattern)))
    return compiled


def _required_literals(pattern: str) -> Optional[Tuple[str, ...]]:
    """Strings one of which every match of `pattern` must contain, or None.

    A cheap substring test on these skips most of the several hundred regex
    searches per sentence (a prefilter in the manner of RE2's)."""
    import sre_constants as sc
    import sre_parse

    def required(seq) -> Optional[set]:
        candidates, run = [], ""
        for op, av in seq:
            if op is sc.LITERAL:
                run += chr(av)
                continue
            if run:
                candidates.append({run})
                run = ""
            sub = None
            if op is sc.SUBPATTERN:
                sub = required(av[-1])
            elif op is sc.BRANCH:
                alts = [required(b) for b in av[1]]
                sub = set().union(*[a for a in alts if a]) if alts and all(alts) else None
            elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT) and av[0] >= 1:
                sub = required(av[2])
            if sub:
                candidates.append(sub)
        if run:
            candidates.append({run})
        return max(candidates, key=lambda c: min(map(len, c))) if candidates else None

    try:
        found = required(sre_parse.parse(pattern))
    except Exception:  # pragma: no cover - an unusual construct: no prefilter
        return None
    if not found or min(map(len, found)) < 2:
        return None
    return tuple(sorted(found))


def _find(kind: str, views: Tuple[str, ...], sentence: str, reported: bool = False) -> List[Match]:
    found = []
    hay = "\n".join(views)
    for category, raw, rx, literals in _lexicon()[kind]:
        if literals is not None and not any(lit in hay for lit in literals):
            continue
        for view in views:
            if not view:
                continue
            m = rx.search(view)
            if m:
                found.append(
                    Match(
                        "third_party" if reported else category,
                        kind,
                        raw,
                        m.group(0),
                        sentence,
                        view,
                        reported,
                    )
                )
                break
    return found


def _negated(view: str, match_text: str) -> bool:
    idx = view.find(match_text)
    if idx < 0:
        return False
    clause = _CLAUSE_BREAK.split(view[:idx])[-1]
    window = " ".join(clause.split()[-5:])
    return bool(_NEGATION.search(window + " ")) and not _NEGATION_BLOCKERS.search(window)


def _personal(match_text: str) -> bool:
    """A match that names the writer ("kill myself", "my life") is never a
    question about services, a media mention or a story about others."""
    return bool(re.search(r"\b(?:myself|me|my|i|mine)\b", match_text))


def _writer_strict(m: "Match") -> bool:
    """Like _writer, but "my son" is not the writer."""
    if m.reported:
        return False
    if re.search(
        r"\b(?:myself|me|i|mine|my (?:own"
        r" )?(?:life|self|body|wrist|wrists|arm|arms|leg|legs|skin|head|throat))\b",
        _ME_AS_LISTENER.sub(" ", m.text),
    ):
        return True
    idx = m.view.find(m.text)
    return "i" in (m.view[:idx].split()[-3:] if idx > 0 else [])


def _writer(m: "Match") -> bool:
    """The writer is the one at risk: the match names them, or "i" governs it
    ("i want to die"). Third persons' words read as the speaker's never do."""
    if m.reported:
        return False
    if _personal(m.text):
        return True
    idx = m.view.find(m.text)
    before = m.view[:idx].split()[-6:] if idx > 0 else []
    # "i have been reading about which pills are lethal": the writer governs
    # the match unless someone else is named in between.
    if "i" not in before:
        return False
    after_i = " ".join(before[len(before) - before[::-1].index("i") :])
    if _OTHERS_NAMED.search(after_i) or _MEDIA_WORK.search(after_i):
        return False
    return len(after_i.split()) <= 2 or bool(_LOOKING_INTO.search(after_i))


def _is_spanish(text: str) -> bool:
    words = set(re.findall(r"[a-z]+", text))
    return len(
        words
        & {
            "quiero",
            "no",
            "me",
            "mi",
            "que",
            "de",
            "la",
            "el",
            "vivir",
            "morir",
            "estoy",
            "ya",
            "se",
            "por",
            "para",
            "hijo",
            "hija",
            "tengo",
            "puedo",
        }
    ) >= 3 or bool(
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
        message_has_present_risk = bool(_PRESENT_RISK.search(_STABLE_TODAY.sub(" ", norm)))
        stable = bool(_STABLE.search(norm))
        message_is_history = not message_has_present_risk and (
            (bool(_REMOTE_TIME.search(norm)) and (stable or not _WEAK_PRESENT.search(norm)))
            or (bool(_PAST_RISK.search(norm)) and bool(_STABLE_NOW.search(norm)))
        )

        crisis: List[Match] = []
        ambiguous: List[Match] = []
        suppressed: List[str] = []
        sentences = split_sentences(norm) or [norm]
        segments = re.split(r"[.!?;\n]+", norm)
        ends_with_question = norm.rstrip().endswith("?")
        for i, sentence in enumerate(sentences):
            lemmas = lemma_text(sentence)
            stripped = _FILLERS.sub("", lemmas).strip()
            stripped_surface = _FILLERS.sub("", sentence).strip()
            views = (
                sentence,
                lemmas,
                stripped if stripped != lemmas else "",
                stripped_surface if stripped_surface != sentence else "",
            )
            reported_views = (
                (_as_reported(stripped_surface), _as_reported(stripped))
                if _REPORT_CUE.search(sentence)
                else ()
            )
            is_question = _QUESTION_START.search(sentence) is not None or (
                ends_with_question and i == len(sentences) - 1
            )
            service_frame = is_question and bool(_SERVICE_WORDS.search(sentence))
            info_question = bool(_INFO_QUESTION.search(sentence)) and is_question
            generic_subject = bool(_GENERIC_SUBJECT.search(sentence))
            speaker = _ME_AS_LISTENER.sub(" ", sentence)
            first_person = bool(
                _FIRST_PERSON_NOW.search(_ME_AS_LISTENER.sub(" ", lemmas))
                or _FIRST_PERSON_NOW.search(speaker)
                or _SELF_IMPLIED.search(sentence)
            ) and not _PROFESSIONAL.search(sentence)
            loss = bool(_LOSS.search(sentence))
            specific_other = bool(_SPECIFIC_OTHER.search(sentence))
            hypothetical = bool(_HYPOTHETICAL.search(sentence))
            cond_report = bool(_COND_REPORT.search(sentence)) and (
                is_question or bool(_ADVICE.search(sentence))
            )
            media = bool(_MEDIA.search(sentence))
            idioms = [m.group(0) for m in _IDIOMS.finditer(sentence)]
            # A history frame covers the sentences that are told in the past;
            # "My wife left me last year. I bought a gun and wrote my note."
            # is not history.
            segment = next((seg for seg in segments if sentence in seg), sentence)
            sentence_is_history = message_is_history and (
                len(sentences) == 1
                or bool(_REMOTE_TIME.search(segment) or _PAST_RISK.search(segment))
            )

            strong = _find("strong", views, sentence)
            if reported_views:
                seen = {m.pattern for m in strong}
                strong += [
                    m
                    for m in _find("strong", reported_views, sentence, reported=True)
                    if m.pattern not in seen
                ]
            for m in strong:
                if any(
                    m.text in phrase or phrase in m.text or " ".join(phrase.split()[:2]) in m.text
                    for phrase in idioms
                ):
                    suppressed.append("idiom")
                elif sentence_is_history:
                    suppressed.append("history")
                elif (
                    (service_frame or info_question)
                    and not first_person
                    and not (specific_other and len(m.text.split()) > 1)
                    and not _writer(m)
                ):
                    suppressed.append("question_about_services")
                elif media and not _writer(m):
                    suppressed.append("media")
                elif loss and not _writer_strict(m):
                    if not _LOSS_NOW.search(sentence):
                        ambiguous.append(m)
                    else:
                        crisis.append(m)
                    suppressed.append("loss")
                elif (
                    m.category == "harm_others" and whole_joking and not first_person_self(sentence)
                ):
                    suppressed.append("joking")
                elif (
                    hypothetical
                    or (cond_report and not _writer_strict(m))
                    or _negated(m.view, m.text)
                    or _negated(lemmas, m.text)
                    or _negated(sentence, m.text)
                ):
                    ambiguous.append(m)
                    suppressed.append("negated_or_hypothetical")
                else:
                    crisis.append(m)
            for m in _find("topic", views, sentence):
                if sentence_is_history:
                    suppressed.append("history")
                elif (
                    _negated(m.view, m.text)
                    or _negated(lemmas, m.text)
                    or _negated(sentence, m.text)
                ):
                    suppressed.append("negated")
                elif media and not _writer(m):
                    suppressed.append("media")
                elif (service_frame and (generic_subject or not first_person)) or (
                    info_question and not first_person
                ):
                    suppressed.append("question_about_services")
                elif hypothetical or cond_report:
                    ambiguous.append(m)
                    suppressed.append("hypothetical")
                else:
                    crisis.append(m)
            if not crisis:
                for m in _find("ambiguous", views, sentence):
                    if service_frame and not first_person:
                        suppressed.append("question_about_services")
                    elif not (sentence_is_history or _negated(m.view, m.text)):
                        ambiguous.append(m)
            if idioms:
                suppressed.append("idiom")

        # Read across the message, leaving out the parts told as history.
        whole = (
            norm
            if not message_is_history
            else " ; ".join(
                seg
                for seg in segments
                if seg.strip() and not (_REMOTE_TIME.search(seg) or _PAST_RISK.search(seg))
            )
        )
        if not crisis and whole and (not message_is_history or len(segments) > 1):
            whole_lemmas = lemma_text(whole)
            for m in _find("message", (whole, whole_lemmas), whole):
                if not (_negated(whole, m.text) or _negated(whole_lemmas, m.text)):
                    crisis.append(m)
        recurrence = _RISK_HISTORY.search(norm) and _RECURRENCE.search(_STABLE_TODAY.sub(" ", norm))
        if recurrence and not crisis and not _negated(norm, recurrence.group(0)):
            category = (
                "self_harm"
                if re.search(r"self-harm|cut", recurrence.group(0))
                else "suicidal_explicit"
            )
            crisis.append(Match(category, "strong", "recurrence", recurrence.group(0), norm))
        for m in crisis:
            # "my brother said he doesn't see a future where he's alive": the
            # person at risk is someone else, which changes what staff do.
            if (
                m.category in _SELF_CATEGORIES
                and not _writer_strict(m)
                and m.kind != "message"
                and m.pattern != "recurrence"
                and _OTHERS_NAMED.search(m.sentence)
            ):
                m.category = "third_party"
        if crisis:
            return Assessment(
                CRISIS, _category(crisis), [m.text for m in crisis], suppressed, language
            )
        if ambiguous:
            return Assessment(
                AMBIGUOUS, "ambiguous_distress", [m.text for m in ambiguous], suppressed, language
            )
        if message_is_history and _STABLE.search(norm):
            suppressed.append("history")
        return Assessment(NONE, None, [], sorted(set(suppressed)), language)


def first_person_self(sentence: str) -> bool:
    return bool(re.search(r"\b(?:myself|my life|i want to die)\b", sentence))


def _category(matches: List[Match]) -> str:
    # Most specific first: a third party or a medical emergency changes what
    # staff should do, so it names the flag even if a generic term matched too.
    order = [
        "overdose_medical",
        "plan_or_means",
        "third_party",
        "danger_abuse",
        "harm_others",
        "self_harm",
        "suicidal_explicit",
        "suicidal_passive",
        "slang",
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
