"""Reviewer annotations: mark a conversation reviewed, add notes, and tag a
misread message with the intent it should have had. Tagged messages export
as Rasa NLU training data, so review turns into better answers."""

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml
from sqlalchemy.orm import Session

from iopnav import settings
from iopnav.clock import utcnow
from iopnav.console.masking import EMAIL_RE, PHONE_RE
from iopnav.console.models import ConversationNote, ConversationReview, IntentCorrection

MAX_NOTE = 4000
# Labels Rasa uses internally; no training example can carry them.
NOT_TRAINABLE = {"nlu_fallback"}


class AnnotationError(ValueError):
    """Bad input; the message is shown to the reviewer."""


def _domain_files() -> List[Path]:
    root = settings.PROJECT_ROOT
    domain = Path(settings.env("IOP_DOMAIN_PATH", str(root / "domain")))
    if domain.is_dir():
        return sorted(domain.rglob("*.yml")) + sorted(domain.rglob("*.yaml"))
    return [domain] if domain.exists() else [root / "domain.yml"]


@lru_cache(maxsize=1)
def domain_intents() -> List[str]:
    """The assistant's intents, read from the Rasa domain (the tag choices)."""
    names = set()
    for path in _domain_files():
        if not path.exists():
            continue
        content = yaml.safe_load(path.read_text()) or {}
        for item in content.get("intents") or []:
            names.add(next(iter(item)) if isinstance(item, dict) else str(item))
    return sorted(names - NOT_TRAINABLE)


def set_reviewed(db: Session, sender_id: str, reviewer: str, reviewed: bool) -> None:
    row = db.get(ConversationReview, sender_id)
    if reviewed and row is None:
        db.add(ConversationReview(sender_id=sender_id, reviewed_by=reviewer, reviewed_at=utcnow()))
    elif reviewed:
        row.reviewed_by, row.reviewed_at = reviewer, utcnow()
    elif row is not None:
        db.delete(row)
    db.commit()


def review_of(db: Session, sender_id: str) -> Optional[ConversationReview]:
    return db.get(ConversationReview, sender_id)


def add_note(db: Session, sender_id: str, author: str, text: str) -> ConversationNote:
    text = (text or "").strip()
    if not text:
        raise AnnotationError("The note is empty.")
    if len(text) > MAX_NOTE:
        raise AnnotationError(f"Notes can be at most {MAX_NOTE} characters long.")
    note = ConversationNote(sender_id=sender_id, author=author, text=text)
    db.add(note)
    db.commit()
    return note


def notes_of(db: Session, sender_id: str) -> List[ConversationNote]:
    return (
        db.query(ConversationNote)
        .filter_by(sender_id=sender_id)
        .order_by(ConversationNote.created_at)
        .all()
    )


def tag_intent(
    db: Session,
    sender_id: str,
    event_id: int,
    message_text: str,
    predicted: Optional[str],
    correct: str,
    author: str,
) -> IntentCorrection:
    if not correct:
        raise AnnotationError("Choose the intent this message should have had.")
    if correct not in domain_intents():
        raise AnnotationError(f"'{correct}' is not an intent of this assistant.")
    row = db.query(IntentCorrection).filter_by(sender_id=sender_id, event_id=event_id).first()
    if row is None:
        row = IntentCorrection(sender_id=sender_id, event_id=event_id)
        db.add(row)
    row.message_text, row.predicted_intent, row.correct_intent = message_text, predicted, correct
    row.author, row.created_at = author, utcnow()
    db.commit()
    return row


def corrections_of(db: Session, sender_id: str) -> Dict[int, str]:
    return {
        c.event_id: c.correct_intent
        for c in db.query(IntentCorrection).filter_by(sender_id=sender_id)
    }


def _training_text(text: str) -> str:
    # Real contact details must not end up in training data; a placeholder
    # keeps the sentence's shape. Brackets would read as Rasa entity markup.
    text = EMAIL_RE.sub("name@example.com", " ".join(text.split()))
    text = PHONE_RE.sub("555-0100", text)
    return text.replace("[", "(").replace("]", ")")


def training_data_yaml(db: Session) -> str:
    """Every tagged message as Rasa 3 NLU training data, grouped by intent."""
    by_intent: Dict[str, List[str]] = {}
    for row in db.query(IntentCorrection).order_by(
        IntentCorrection.correct_intent, IntentCorrection.id
    ):
        example = _training_text(row.message_text)
        if example and example not in by_intent.setdefault(row.correct_intent, []):
            by_intent[row.correct_intent].append(example)
    lines = [
        'version: "3.1"',
        "",
        "# Messages staff tagged in the console with the intent they should have had.",
        "nlu:",
    ]
    for intent, examples in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"] + [f"    - {e}" for e in examples]
    if not by_intent:
        lines[-1] = "nlu: []"
    return "\n".join(lines) + "\n"
