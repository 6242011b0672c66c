"""Exports (admin only): intake requests as CSV, one conversation as JSON,
readable text or PDF."""

import csv
import io
import json
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional

from fpdf import FPDF

from iopnav.clock import utcnow
from iopnav.console import config
from iopnav.console.tracker import Event
from iopnav.console.transcript import Turn
from iopnav.referrals import Referral
from iopnav.safety.flags import CrisisFlag

REFERRAL_COLUMNS = (
    "id",
    "created_at",
    "status",
    "status_changed_by",
    "status_changed_at",
    "first_name",
    "phone",
    "email",
    "preferred_contact_time",
    "program_interest",
    "program_id",
    "consent_to_contact",
    "channel",
    "sender_id",
    "staff_note",
)
# A Unicode TrueType font, so names and messages in any language print; the
# PDF falls back to the built-in Latin-1 font when none is installed.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)


_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9 ().-]*")


def _csv_cell(value) -> str:
    text = (
        ""
        if value is None
        else (
            value.isoformat(sep=" ", timespec="seconds")
            if isinstance(value, datetime)
            else str(value)
        )
    )
    # Spreadsheets run cells starting with = + - @ as formulas; visitors typed
    # these fields, so neutralise them (OWASP CSV injection). Plain numbers
    # such as E.164 phone numbers ("+18135550143") cannot run and stay as they are.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r") and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def referrals_csv(referrals: List[Referral]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(REFERRAL_COLUMNS)
    for r in referrals:
        writer.writerow([_csv_cell(getattr(r, c)) for c in REFERRAL_COLUMNS])
    return out.getvalue()


def _flag_dict(f: CrisisFlag) -> dict:
    return {
        "created_at": f.created_at.isoformat(),
        "category": f.category,
        "channel": f.channel,
        "evidence": f.evidence,
        "acknowledged": f.acknowledged,
        "acknowledged_by": f.acknowledged_by,
        "acknowledged_at": f.acknowledged_at.isoformat() if f.acknowledged_at else None,
    }


def conversation_json(
    sender_id: str, events: List[Event], flags: List[CrisisFlag], turns: List[Turn]
) -> str:
    """The Rasa events exactly as stored (re-importable), plus the crisis
    flags and the crisis reminders the channel added to replies (the visitor
    saw them, but they are not Rasa events)."""
    return json.dumps(
        {
            "sender_id": sender_id,
            "exported_at": utcnow().isoformat() + "Z",
            "crisis_flags": [_flag_dict(f) for f in flags],
            "crisis_reminders": [
                {"after_timestamp": t.time.timestamp(), "text": t.text}
                for t in turns
                if t.kind == "reminder"
            ],
            "events": [e.data for e in events],
        },
        indent=2,
        ensure_ascii=False,
    )


def _local(dt: datetime) -> str:
    return dt.astimezone(config.timezone()).strftime("%Y-%m-%d %H:%M:%S %Z")


def transcript_lines(
    key: int, sender_id: str, turns: List[Turn], flags: List[CrisisFlag]
) -> List[str]:
    lines = [
        f"Conversation #{key} (sender {sender_id})",
        f"Exported {_local(datetime.now(timezone.utc))}",
        "",
    ]
    if flags:
        lines.append(
            f"CRISIS FLAGGED ({len(flags)}): " + ", ".join(sorted({f.category for f in flags}))
        )
        lines.append("")
    for t in turns:
        when = _local(t.time)
        if t.kind == "user":
            conf = f" {t.confidence:.2f}" if isinstance(t.confidence, (int, float)) else ""
            mark = " [CRISIS]" if t.crisis else ""
            lines.append(f"{when}  Visitor ({t.channel or 'unknown channel'}){mark}: {t.text}")
            lines.append(
                f"    intent: {t.intent or '-'}{conf}"
                + (f"; corrected to {t.correction}" if t.correction else "")
            )
        elif t.kind == "bot":
            lines.append(f"{when}  Assistant: {t.text}")
            if t.buttons:
                lines.append("    buttons: " + " | ".join(t.buttons))
        elif t.kind == "reminder":
            lines.append(f"{when}  Assistant (crisis reminder): {t.text}")
        elif t.kind == "action":
            lines.append(f"{when}    action {t.action}" + (f" ({t.policy})" if t.policy else ""))
        else:
            lines.append(f"{when}  --- new session ---")
    return lines


def transcript_text(key: int, sender_id: str, turns: List[Turn], flags: List[CrisisFlag]) -> str:
    return "\n".join(transcript_lines(key, sender_id, turns, flags)) + "\n"


def _font_path() -> Optional[str]:
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


def transcript_pdf(key: int, sender_id: str, turns: List[Turn], flags: List[CrisisFlag]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    font = _font_path()
    if font:
        pdf.add_font("Body", "", font)
        family = "Body"
    else:
        family = "Helvetica"
    pdf.set_font(family, size=10)
    for line in transcript_lines(key, sender_id, turns, flags):
        if not font:
            line = line.encode("latin-1", "replace").decode("latin-1")
        pdf.multi_cell(0, 5, line or " ", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
