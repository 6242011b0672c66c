"""SafeRestInput: Rasa's REST webhook (same URL, same reply format) that a
clinic can put in front of the public.

  POST /webhooks/rest/webhook  {"sender": "...", "message": "..."}
  -> 200 [{"recipient_id": ..., "text": ..., "buttons": [...]}, ...]

Differences from rasa.core.channels.rest.RestInput, and why:
- Bad requests (empty body, invalid UTF-8, malformed JSON, no sender, empty
  or binary message) get HTTP 400 with {"error": code, "message": text};
  the stock channel answers many of them with a 500 or an empty list.
- Sender ids are limited to letters, digits and `_.:-`, so nobody can post
  into an SMS conversation (sender "+1555...") through this channel.
- The client cannot choose `input_channel` or `metadata`: both land in the
  tracker (crisis flags record the channel) and must not be spoofed.
- Messages over 2,000 characters are answered from a shortened text with a
  note first (cleaning.py), never dropped.
- After a crisis hand-off every reply ends with the crisis reminder, and loses
  its topic and program buttons (only answers about safety stay).
- A turn the dialogue answers with nothing (a custom action failed because
  the action server is down) gets a short "couldn't answer" message instead
  of an empty list.
- No `?stream=true` mode: nothing of ours uses it.
"""

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from iopnav.channels.cleaning import BadInput, clean_text
from iopnav.channels.conversation import stand_in_and_reminder, without_topic_buttons

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
UNAVAILABLE = (
    "Sorry, I couldn't answer just now. Please try again in a moment. "
    "In an emergency call 911, or call or text 988."
)


def parse_request(body: bytes) -> Tuple[str, Any]:
    """(sender, raw message) from the request body, or BadInput."""
    if len(body) > MAX_BODY_BYTES:
        raise BadInput(
            "too_large", f"The request is larger than {MAX_BODY_BYTES:,} bytes.", status=413
        )
    if not body.strip():
        raise BadInput(
            "empty_body",
            'The request body is empty. Send JSON like {"sender": "id", "message": "hi"}.',
        )
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("invalid_encoding", "The request body is not valid UTF-8 text.") from None
    try:
        payload = json.loads(decoded)
    except ValueError:
        raise BadInput(
            "malformed_json",
            'The request body is not valid JSON. Send {"sender": "id", "message": "hi"}.',
        ) from None
    if not isinstance(payload, dict):
        raise BadInput(
            "malformed_json",
            'The request body must be a JSON object: {"sender": "id", "message": "hi"}.',
        )
    sender = payload.get("sender")
    if sender is None or (isinstance(sender, str) and not sender.strip()):
        raise BadInput(
            "missing_sender",
            'The request has no "sender": send a conversation id with every message.',
        )
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        raise BadInput(
            "invalid_sender", 'The "sender" must be 1-128 letters, digits or the characters _ . : -'
        )
    return sender, payload.get("message")


def error_reply(exc: BadInput) -> HTTPResponse:
    return response.json({"error": exc.code, "message": exc.message}, status=exc.status)


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("iopnav_safe_rest", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, raw = parse_request(request.body or b"")
                message = clean_text(raw)
            except BadInput as exc:
                return error_reply(exc)

            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        message.text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=message.metadata or None,
                    )
                )
            except Exception:
                # A broken action or store must not look like "no answer":
                # the widget shows this and keeps the person's text.
                logger.exception("REST message could not be handled")
                return response.json({"error": "unavailable", "message": UNAVAILABLE}, status=503)

            replies: List[Dict[str, Any]] = list(collector.messages)
            stand_in, reminder = await stand_in_and_reminder(request.app, sender, bool(replies))
            if stand_in:
                replies.append({"recipient_id": sender, "text": stand_in})
            if message.note:
                replies.insert(0, {"recipient_id": sender, "text": message.note})
            if reminder:
                replies = without_topic_buttons(replies)
                replies.append({"recipient_id": sender, "text": reminder})
            return response.json(replies)

        return webhook
