"""SafeRestInput: Rasa's REST webhook (same URL, same reply format) that a
clinic can put in front of the public.

  POST /webhooks/rest/webhook  {"sender": "...", "message": "..."}
  -> 200 [{"recipient_id": ..., "text": ..., "buttons": [...]}, ...]

Differences from rasa.core.channels.rest.RestInput, and why:
- Bad requests (empty body, invalid UTF-8, malformed JSON, no sender, empty
  or binary message) get HTTP 400 with {"error": code, "message": text};
  the stock channel answers many of them with a 500 or an empty list. The
  text is in the message's language, else the request's Accept-Language
  (the widget sends its own), else English (texts.py).
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
- A turn that fails or takes longer than IOP_WEB_TURN_DEADLINE (10 s) is
  answered by the channel's own screen (fallback.py): the hand-off and a
  staff flag for a crisis, else what the dialogue already said, else 503
  with a message naming 911 and 988. Never a bare 5xx.
- A typed "/intent" payload counts only if the last bot turn offered it as
  a button (payloads.py); otherwise it is read as text.
- Bodies over 64 KB are refused before they are read, and each sender and
  client address has a budget (limits.py); over it, a crisis still gets the
  hand-off, anything else 429 with Retry-After.
- An optional `message_id` (8-64 of A-Z a-z 0-9 _ -, one per message, the
  same when the message is sent again) makes a retry safe: a message the
  conversation already holds is answered with the stored replies, never run
  twice, whichever server gets the retry (idempotency.py).
- No `?stream=true` mode: nothing of ours uses it.
"""

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.exceptions import PayloadTooLarge
from sanic.request import Request
from sanic.response import HTTPResponse

from iopnav.channels import fallback, idempotency, limits, message_ids, payloads, texts
from iopnav.channels.cleaning import BadInput, CleanMessage, clean_text_async
from iopnav.channels.conversation import (
    AfterTurn,
    after_turn,
    offered_options,
    without_topic_buttons,
)
from iopnav.ops import turns

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = limits.MAX_REQUEST_BYTES
SENDER_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
# What the 503 says in English (tests compare with it).
UNAVAILABLE = texts.say("unavailable")


def parse_request(body: bytes) -> Tuple[str, Any, Optional[str]]:
    """(sender, raw message, client's message id or None) from the request
    body, or BadInput."""
    if len(body) > MAX_BODY_BYTES:
        raise BadInput("too_large", status=413, limit=f"{MAX_BODY_BYTES:,}")
    if not body.strip():
        raise BadInput("empty_body")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput("invalid_encoding") from None
    try:
        payload = json.loads(decoded)
    except ValueError:
        raise BadInput("malformed_json") from None
    if not isinstance(payload, dict):
        raise BadInput("malformed_json", key="not_an_object")
    sender = payload.get("sender")
    message = payload.get("message")
    if sender is None or (isinstance(sender, str) and not sender.strip()):
        raise BadInput("missing_sender", said=message)
    if not isinstance(sender, str) or not SENDER_PATTERN.match(sender):
        raise BadInput("invalid_sender", said=message)
    message_id = payload.get("message_id")
    if message_id is not None and not message_ids.is_client_id(message_id):
        raise BadInput("invalid_message_id", said=message)
    return sender, message, message_id


def request_language(request: Request, text: Any = None) -> str:
    """The language of a text the channel answers by itself: the message's
    own, else the one the client asks for (the widget sends its interface
    language as Accept-Language), else English. No conversation is read:
    these answers (refusals, budgets) must stay cheap."""
    return texts.language_for(text, texts.request_hint(request))


def error_reply(exc: BadInput, language: Optional[str] = None) -> HTTPResponse:
    return response.json({"error": exc.code, "message": exc.text(language)}, status=exc.status)


def too_large(language: Optional[str] = None) -> HTTPResponse:
    return error_reply(BadInput("too_large", status=413, limit=f"{MAX_BODY_BYTES:,}"), language)


def unavailable(language: Optional[str] = None) -> HTTPResponse:
    return response.json(
        {"error": "unavailable", "message": texts.say("unavailable", language)}, status=503
    )


def say(sender: str, text: str) -> Dict[str, Any]:
    return {"recipient_id": sender, "text": text}


async def read_message(request: Request, sender: str, raw: Any) -> CleanMessage:
    """The cleaned message (off the event loop: the long-message screen is
    regex-heavy), with a typed payload that was not offered read as text."""
    message = await clean_text_async(raw)
    if payloads.looks_like_payload(message.text):
        message.text = payloads.as_typed(message.text, await offered_options(request.app, sender))
        if not message.text:
            raise BadInput("empty_message")
    return message


class SafeRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("iopnav_safe_rest", __name__)
        limits.limit_request_size(webhook)

        @webhook.exception(PayloadTooLarge)
        async def refuse_large(request: Request, __: Exception) -> HTTPResponse:
            return too_large(request_language(request))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        @turns.timed("rest")
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.answer(request, on_new_message)
            except Exception:  # never a bare 500: the widget shows this text
                logger.exception("REST message could not be handled")
                turns.fell_back("channel_error")
                return unavailable(request_language(request))

        return webhook

    async def answer(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        raw: Any = None
        try:
            sender, raw, client_id = parse_request(request.body or b"")
            message = await read_message(request, sender, raw)
        except BadInput as exc:
            return error_reply(exc, request_language(request, exc.said or raw))
        agent = request.app.ctx.agent
        wait = await limits.rest_wait(request, sender)
        if wait:
            handoff = await fallback.rescue(agent, sender, message.text, self.name(), [], client_id)
            if handoff:  # a crisis is never rate-limited
                return response.json([say(sender, handoff)])
            slow_down = limits.slow_down_text(wait, request_language(request, message.text))
            return response.json(
                {"error": "rate_limited", "message": slow_down},
                status=429,
                headers={"Retry-After": str(wait)},
            )

        collector = CollectingOutputChannel()
        failure, message_id = await fallback.run_message(
            idempotency.dialogue(agent, on_new_message, client_id),
            message.text,
            collector,
            sender,
            self.name(),
            message.metadata,
            client_id,
        )
        replies: List[Dict[str, Any]] = list(collector.messages)
        if failure is not None:
            logger.error("REST turn not answered by the dialogue: %r", failure)
            # M1: what the dialogue already said (maybe the hand-off, if only
            # the save failed) goes out; the screen adds the hand-off if needed.
            said = [r.get("text") or "" for r in replies]
            fallback.flag_handoff(sender, message_id, said, self.name())
            handoff = await fallback.rescue(
                agent, sender, message.text, self.name(), said, message_id
            )
            if handoff:
                replies.append(say(sender, handoff))
            if not replies:
                return unavailable(request_language(request, message.text))
            turn = AfterTurn()
        else:
            fallback.flag_handoff(
                sender, message_id, [r.get("text") or "" for r in replies], self.name()
            )
            turn = await after_turn(request.app, sender, bool(replies), self.name())
        if turn.general:
            replies.append({"recipient_id": sender, **turn.general})
        if turn.stand_in:
            replies.append(say(sender, turn.stand_in))
        reminder, language = turn.reminder, turn.language
        note = message.note(self.name())
        if note:
            replies.insert(0, say(sender, note))
        if reminder:
            replies = without_topic_buttons(replies)
            replies.append(say(sender, reminder))
        if language:
            # The widget shows its own text in the conversation's language.
            replies = [{**reply, "language": language} for reply in replies]
        return response.json(replies)
