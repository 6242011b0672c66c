"""What the channels need to know about a conversation's crisis state.

After a hand-off, every later reply in the same session ends with a one-line
crisis reminder; after an unanswered screening question, the hotline stays
visible the same way.
"""

from typing import Any, Dict, Iterable, List, Optional

from iopnav.safety import resources

HANDOFF_ACTION = "utter_crisis_handoff"
RISK_CHECK_ACTION = "utter_risk_check"
RISK_CHECK_NO_ACTION = "utter_risk_check_no"


# A new session after this much silence ends the reminders; a "/restart"
# typed right after a hand-off does not.
SESSION_GAP_SECONDS = 30 * 60


def _current_session(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    session: List[Dict[str, Any]] = []
    last_ts = None
    for event in events:
        ts = event.get("timestamp")
        starts_session = event.get("event") == "session_started" or (
            event.get("event") == "action" and event.get("name") == "action_session_start"
        )
        if (
            starts_session
            and last_ts is not None
            and ts is not None
            and ts - last_ts >= SESSION_GAP_SECONDS
        ):
            session = []
        session.append(event)
        last_ts = ts if ts is not None else last_ts
    return session


def crisis_reminder(
    events: Iterable[Dict[str, Any]], language: Optional[str] = None, channel: Optional[str] = None
) -> Optional[str]:
    """The reminder line to end this turn's reply with, in `language`, or None.

    `events` are the tracker's events as dicts (tracker.current_state()).
    The turn that sent the hand-off itself needs no reminder.
    """
    session = _current_session(events)
    actions = [e.get("name") for e in session if e.get("event") == "action"]
    if HANDOFF_ACTION not in actions and RISK_CHECK_ACTION not in actions:
        return None
    # Actions after the last user message belong to this turn's reply.
    last_user = max((i for i, e in enumerate(session) if e.get("event") == "user"), default=-1)
    this_turn = [e.get("name") for e in session[last_user + 1 :] if e.get("event") == "action"]
    if HANDOFF_ACTION in this_turn or RISK_CHECK_ACTION in this_turn:
        return None
    if HANDOFF_ACTION not in actions:
        # Only a screening question so far: a "no" answer closes it.
        last_check = max(i for i, name in enumerate(actions) if name == RISK_CHECK_ACTION)
        if RISK_CHECK_NO_ACTION in actions[last_check:]:
            return None
    return resources.reminder_text(resources.load(), language, channel)
