"""The negation frame: "I'm not going to kill myself", "no plan to die".

A negation word up to five words before a match, in the same clause, negates
it, unless a blocker shows the words are not a denial ("not sure if I want to
live", "I can't stop thinking about dying").
"""

import re

_NEGATION_WORDS = (
    r"\b(?:not|never|no|nor|without|n't|neither|nothing about|nobody|no"
    r" one|none|noone|nothing"
    # a denial told ("denies any thoughts of suicide", "cero ideas suicidas")
    r"|denies|denied|denying|negative for|zero|cero"
    # Spanish: "nunca he pensado en...", "ni me corto", "jamas"
    r"|nunca|jamas|ni|tampoco)\b"
)
_NEGATION = re.compile(_NEGATION_WORDS + r"(?:\s+\S+){0,4}\s*$")
# "zero thoughts of ending my life or hurting myself": the second of two
# risks joined by "or" is under the negation of the first.
_NEGATION_OR_JOINED = re.compile(_NEGATION_WORDS + r"(?:\s+\S+){0,8}\s*$")
_OR_JOINED = re.compile(r"\b(?:or|nor)(?: even| any)?\s*$")
_NEGATION_BLOCKERS = re.compile(
    r"\b(?:sure|if|whether|know|why|only|just|but|stop|quit|help|wait|anymore|keep|day go by|day"
    r" goes by|anyone|care"
    r"|thought i|thought that|imagined i|expected to|ever thought|kidding|joking|joke"
    # "never been closer to ...": a comparison says more, not less
    r"|closer|nearer|this close|so close"
    # effort against an urge ("trying so hard not to cut", "fighting not to")
    r"|(?:try|tries|trying|struggling|fighting|resisting|hard|everything i can|my best|my hardest)"
    r"(?: \w+){0,2} not"
    # Spanish: "no se si quiero vivir", "no puedo dejar de pensar en morir"
    r"|si|solo|dejar|dejo|aguanto|ayuda|siquiera)\b"
)
# "I've never wanted to die more than tonight": the comparison follows the match.
_COMPARISON_AFTER = re.compile(
    r"^(?:\s+\S+){0,3}?\s+(?<!rather )"
    r"(?:more than|than|as much as|as badly as|this much|this badly)\b"
)
# A negation governs its own clause only: "he won't leave, he has a gun".
_CLAUSE_BREAK = re.compile(
    r"[,;:]|\b(?:and|but|so|because|cause|cuz|then|pero|porque|entonces|y)\b"
)


# A match whose own words deny it: a pattern with a gap after its subject
# swallowed the negation ("he's not talking about hurting himself", "he never
# hit us"); a first time ("never hit me before tonight") is not a denial.
_DENIED_IN_MATCH = re.compile(
    r"^(?:he|she|they|(?:my|our|his|her) (?:\S+ )?\S+)(?: be| is| are| was| were| do| does| did"
    r"| has| have| had)?(?: not (?:talk|talking|talked|say|said|saying|mention\w*)| never (?:talk"
    r"|talking|talked|say|said|saying|mention\w*|hit|hurt|hurts|threaten\w*|lay a hand))\b"
)
_FIRST_TIME = re.compile(r"\b(?:before|until|till|yet)\b")


def negated(view: str, match_text: str) -> bool:
    idx = view.find(match_text)
    if idx < 0:
        return False
    if _DENIED_IN_MATCH.match(match_text) and not _FIRST_TIME.search(view[idx:]):
        return True
    clause = _CLAUSE_BREAK.split(view[:idx])[-1]
    joined = bool(_OR_JOINED.search(clause))
    window = " ".join(clause.split()[-9 if joined else -5 :])
    after = view[idx + len(match_text) :]
    return (
        bool((_NEGATION_OR_JOINED if joined else _NEGATION).search(window + " "))
        and not _NEGATION_BLOCKERS.search(window)
        and not _COMPARISON_AFTER.search(after)
    )
