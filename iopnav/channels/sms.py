"""TwilioSMSInput: the clinic's SMS line, as a Twilio Messaging webhook.

  POST /webhooks/sms/webhook   (form fields From, Body, NumMedia, ...)
  -> 200 <Response><Message>...</Message></Response>   (TwiML)

Why not rasa.core.channels.twilio.TwilioInput: it checks no
X-Twilio-Signature (anyone could make the clinic's number text anyone),
answers a POST without Body with a 500, and sends through Twilio's REST API
with a blocking client inside the event loop. Here the reply goes back in the
HTTP response as TwiML, so no outbound API call (and no account SID) is needed.

Order of checks, and why:
1. signature (403 if invalid): nothing from an unverified request is used;
   a MessageSid seen in the last 10 minutes gets the first reply again
   without running anything twice (dedupe.py, this server's memory); a
   retried text that reaches another server is answered from the stored
   turn under the same id (idempotency.py);
2. carrier keywords (STOP/START/HELP), only when the whole message is one:
   anything longer is read normally, so a crisis is never swallowed;
3. opted-out numbers get no reply at all; their message is still recorded,
   and a crisis in it raises a staff flag at once, from the channel;
   if the opt-out list cannot be read, the number counts as subscribed;
4. a budget per number (limits.py); over it, a crisis still gets the
   hand-off, anything else a short "slow down" naming 988 and 911;
5. everything else: the shared cleaning, a digit picks a numbered option
   (a typed "/payload" counts only if offered, payloads.py), normal Rasa
   processing within IOP_SMS_TURN_DEADLINE (12 s, Twilio waits 15 s), the
   crisis reminder, split into <= 1,600 chars. A turn that fails or is late
   is answered by the channel's own screen (fallback.py).
Any other error still answers TwiML naming 988 (never a 5xx).

Settings (environment only; see docs/channels.md):
  IOP_TWILIO_AUTH_TOKEN  the account's auth token (signs every webhook)
  IOP_TWILIO_VALIDATE    "false" only for local experiments without Twilio:
                         refused unless the server listens on loopback only
  IOP_PUBLIC_URL         https://host[/prefix] Twilio calls, behind a proxy
                         (must be https)
"""

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qsl

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from iopnav import settings
from iopnav.channels import dedupe, fallback, idempotency, limits, optout, payloads, sms_text
from iopnav.channels.cleaning import (
    KEEP_CHARS,
    BadInput,
    CleanMessage,
    clean_text_async,
)
from iopnav.channels.conversation import (
    after_turn,
    offered_options,
    without_topic_buttons,
)
from iopnav.nlu.language import detect
from iopnav.ops import turns

logger = logging.getLogger(__name__)

# E.164 numbers, optionally with a Twilio channel prefix ("whatsapp:+1...").
SENDER_PATTERN = re.compile(r"^(?:[a-z]+:)?\+?[0-9]{3,15}$")
# The opt-out lookup runs before anything else: a hung database must not
# take the whole turn's deadline.
OPT_OUT_LOOKUP_SECONDS = 3.0
OPTED_OUT_NOTE = "this number has opted out of SMS and got no automatic reply"


def masked(phone: str) -> str:
    """A number as logs may show it: enough to tell two apart, not to call."""
    digits = re.sub(r"\D", "", phone or "")
    return f"***{digits[-2:]}" if len(digits) >= 4 else "***"


class SMSCollector(CollectingOutputChannel):
    """Collects the reply; named "sms" so the domain's `channel: sms`
    response variants (the short crisis hand-off) are chosen."""

    @classmethod
    def name(cls) -> Text:
        return "sms"


def twiml(bodies: List[str]) -> HTTPResponse:
    reply = MessagingResponse()
    for body in bodies:
        reply.message(body)
    return response.text(str(reply), content_type="application/xml")


def reply_text(text: str, reminder: Optional[str] = None) -> HTTPResponse:
    full = "\n\n".join(part for part in (text, reminder) if part)
    return twiml(sms_text.split(sms_text.gsm_friendly(full)))


def parse_form(body: bytes) -> Dict[str, str]:
    """Twilio's form fields. Invalid UTF-8 becomes U+FFFD (then removed by
    the cleaning) instead of failing the request."""
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="replace"))


def validation_url(
    public_url: Optional[str], request_url: str, path: str, query_string: str = ""
) -> str:
    """The URL Twilio signed: the one it called, which behind a TLS proxy is
    not what Sanic sees (scheme, host, port, maybe a path prefix differ)."""
    if not public_url:
        return request_url
    return public_url.rstrip("/") + path + (f"?{query_string}" if query_string else "")


def check_settings(validate: bool, public_url: str, host: str) -> None:
    """Refuse to run the SMS line in a way that lets anyone spoof it (L2)."""
    if not validate and not settings.is_loopback(host):
        raise RuntimeError(
            f"IOP_TWILIO_VALIDATE=false while the server listens on {host!r}: anyone could "
            "send texts as any number. Signature checks may be off only on 127.0.0.1."
        )
    if public_url and not public_url.lower().startswith("https://"):
        raise RuntimeError(
            f"IOP_PUBLIC_URL must be an https:// URL (got {public_url!r}): Twilio signs the URL "
            "it calls, and texts must not travel unencrypted."
        )


def as_reply(resp: HTTPResponse) -> dedupe.Reply:
    return resp.status, (resp.body or b"").decode(), resp.content_type or "text/plain"


def from_reply(reply: dedupe.Reply) -> HTTPResponse:
    status, body, content_type = reply
    return response.text(body, status=status, content_type=content_type)


class TwilioSMSInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        # Secrets come from the environment only, never from credentials.yml.
        return cls(
            auth_token=settings.env("IOP_TWILIO_AUTH_TOKEN", ""),
            validate=settings.env("IOP_TWILIO_VALIDATE", "true").lower()
            not in ("false", "0", "no"),
            public_url=settings.env("IOP_PUBLIC_URL", ""),
        )

    def __init__(self, auth_token: str = "", validate: bool = True, public_url: str = "") -> None:
        check_settings(validate, public_url, settings.HOST)
        self.auth_token = auth_token
        self.validate = validate
        self.public_url = public_url
        self.recent = dedupe.RecentReplies()
        if not validate:
            logger.warning(
                "SMS webhook signature checks are OFF (IOP_TWILIO_VALIDATE=false): local use only"
            )
        elif not auth_token:
            logger.error(
                "IOP_TWILIO_AUTH_TOKEN is not set: every SMS webhook request will be refused (403)"
            )

    def signature_ok(self, request: Request, params: Dict[str, str]) -> bool:
        if not self.validate:
            return True
        signature = request.headers.get("X-Twilio-Signature", "")
        if not (self.auth_token and signature):
            return False
        validator = RequestValidator(self.auth_token)
        url = validation_url(self.public_url, request.url, request.path, request.query_string)
        return validator.validate(url, params, signature)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("iopnav_twilio_sms", __name__)
        limits.limit_request_size(webhook)

        @webhook.listener("before_server_start")
        async def _refuse_unsafe_settings(app: Any, _loop: Any) -> None:
            # The address Rasa really binds (rasa run -i), not just IOP_HOST.
            check_settings(self.validate, self.public_url, app.state.host or settings.HOST)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        @turns.timed("sms")
        async def receive(request: Request) -> HTTPResponse:
            params = parse_form(request.body or b"")
            if not self.signature_ok(request, params):
                logger.warning("SMS webhook refused: missing or invalid X-Twilio-Signature")
                return response.text("Invalid or missing X-Twilio-Signature.", status=403)
            sender = (params.get("From") or "").strip()
            if not SENDER_PATTERN.match(sender):
                return response.text("The request has no valid From number.", status=400)

            async def answer() -> dedupe.Reply:
                return as_reply(await self.safely(request, on_new_message, sender, params))

            try:
                return from_reply(await self.recent.once(params.get("MessageSid"), answer))
            except Exception:
                logger.exception("SMS from %s: the earlier attempt failed", masked(sender))
                return reply_text(sms_text.unavailable_text())

        return webhook

    async def safely(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        params: Dict[str, str],
    ) -> HTTPResponse:
        """handle(), but any error still answers TwiML naming 988 (and the
        hand-off if the text is a crisis): Twilio turns a 5xx into silence."""
        try:
            return await self.handle(request, on_new_message, sender, params)
        except Exception:
            logger.exception("SMS from %s could not be handled", masked(sender))
            turns.fell_back("channel_error")
        try:
            text = (params.get("Body") or "")[:KEEP_CHARS]
            agent = request.app.ctx.agent
            handoff = await fallback.rescue(agent, sender, text, self.name(), []) if text else None
            if handoff:
                return reply_text(handoff)
        except Exception:
            logger.exception("SMS from %s: the channel's own screen failed", masked(sender))
        return reply_text(sms_text.unavailable_text(detect(params.get("Body") or "")))

    async def handle(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        params: Dict[str, str],
    ) -> HTTPResponse:
        body = params.get("Body")
        word = sms_text.keyword(body)
        agent = request.app.ctx.agent

        async def language(text: str) -> str:
            # Only for the channel's own texts: the message's language, else
            # the conversation's (a keyword or a picture has none of its own).
            return await fallback.language_of(agent, sender, text)

        if word in sms_text.STOP_WORDS:
            await optout.opt_out(sender, word)
            logger.info("SMS %s opted out", masked(sender))
            return reply_text(sms_text.stop_text(await language(body or "")))
        is_opted_out = await self.opted_out(sender)
        if word in sms_text.START_WORDS or (is_opted_out and word in sms_text.START_WHEN_OPTED_OUT):
            await optout.opt_in(sender, word)
            logger.info("SMS %s opted back in", masked(sender))
            return reply_text(sms_text.start_text(await language(body or "")))
        if word in sms_text.HELP_WORDS:
            # Carriers require HELP to be answered, opted out or not; the
            # answer names the crisis line and the emergency number.
            return twiml([sms_text.gsm_friendly(text) for text in sms_text.help_texts()])

        # Twilio's id for this text: a retried webhook carries it again, and a
        # retry that reaches another server is answered from the stored turn.
        sid = params.get("MessageSid") or ""
        client_id = sid if dedupe.SID_PATTERN.match(sid) else None
        has_media = _int(params.get("NumMedia")) > 0
        try:
            message = await clean_text_async(body or "")
        except BadInput as exc:
            if is_opted_out:
                return twiml([])
            code = "media_only" if has_media else exc.code
            return reply_text(sms_text.bad_input_text(code, await language(body or "")))
        wait = await limits.sms_wait(sender)
        if is_opted_out:
            await self.record_only(request, sender, message, client_id, store=not wait)
            return twiml([])
        if wait:
            handoff = await fallback.rescue(agent, sender, message.text, self.name(), [], client_id)
            if handoff:  # a crisis is never rate-limited
                return reply_text(handoff)
            slow_down = limits.slow_down_text(wait, await language(message.text), self.name())
            return reply_text(slow_down)

        text, metadata = message.text, dict(message.metadata)
        offered = await offered_options(request.app, sender)
        option = sms_text.chosen_option(text, offered)
        if option:
            # Keep what the person typed next to the payload, for staff.
            metadata.setdefault("iopnav", {})["typed"] = text
            text = option["payload"]
        else:
            text = payloads.as_typed(text, offered)
            if not text:
                return reply_text(
                    sms_text.bad_input_text("empty_message", await language(message.text))
                )

        collector = SMSCollector()
        failure, message_id = await fallback.run_message(
            idempotency.dialogue(agent, on_new_message, client_id),
            text,
            collector,
            sender,
            self.name(),
            metadata,
            client_id,
        )
        media_note = sms_text.media_note(await language(message.text)) if has_media else None
        notes = [n for n in (message.note(self.name()), media_note) if n]
        if failure is not None:
            logger.error("SMS from %s not answered by the dialogue: %r", masked(sender), failure)
            return await self.rescued(agent, sender, text, collector, notes, message_id)

        said = [m.get("text") or "" for m in collector.messages]
        fallback.flag_handoff(sender, message_id, said, self.name())
        rendered = sms_text.render(collector.messages)
        # Nothing from the dialogue (a custom action failed): say so rather
        # than leave the texter waiting.
        turn = await after_turn(request.app, sender, bool(rendered), self.name())
        # Its buttons are not stored, so a number sent back could not be read.
        replies: List[Dict[str, Any]] = list(collector.messages)
        if turn.general:
            replies.append({"text": turn.general.get("text")})
        if turn.reminder:  # after a hand-off: no numbered topic options
            replies = without_topic_buttons(replies)
        rendered = sms_text.render(replies)
        answer = "\n\n".join(notes + [rendered or turn.stand_in or ""])
        return reply_text(answer.strip(), turn.reminder)

    async def rescued(
        self,
        agent: Any,
        sender: str,
        text: str,
        collector: SMSCollector,
        notes: List[str],
        message_id: str,
    ) -> HTTPResponse:
        """The reply for a turn the dialogue failed or was late on (M1, M3):
        what it already said, the hand-off if the text is a crisis, else the
        stand-in that names 988 and 911."""
        said = list(collector.messages)
        said_texts = [m.get("text") or "" for m in said]
        fallback.flag_handoff(sender, message_id, said_texts, self.name())
        handoff = await fallback.rescue(agent, sender, text, self.name(), said_texts, message_id)
        rendered = sms_text.render(said)
        parts = [p for p in (rendered, handoff) if p]
        if not parts:
            language = await fallback.language_of(agent, sender, text)
            return reply_text(sms_text.unavailable_text(language))
        return reply_text("\n\n".join(notes + parts))

    async def opted_out(self, sender: str) -> bool:
        """Whether the number opted out; False if the list cannot be read in
        time (H3): a wrong reply to an opted-out number is a compliance
        problem, silence to a person in crisis is a safety one."""
        try:
            return await asyncio.wait_for(optout.opted_out(sender), OPT_OUT_LOOKUP_SECONDS)
        except Exception as exc:
            logger.error(
                "opt-out list unreadable (%s): answering %s as subscribed",
                type(exc).__name__,
                masked(sender),
            )
            return False

    async def record_only(
        self,
        request: Request,
        sender: str,
        message: CleanMessage,
        client_id: Optional[str] = None,
        store: bool = True,
    ) -> None:
        """An opted-out number's message gets no reply (L3). A crisis in it is
        flagged for staff at once, from here, not only when the tracker store
        saves; the message is stored (unless over its budget) so staff see it,
        once: under Twilio's id, which the tracker store keeps once."""
        agent = request.app.ctx.agent
        message_id = client_id or fallback.new_message_id()
        verdict = await fallback.screen_message(agent, message.text)
        if verdict.crisis:
            # At once, keyed by the stored message's id: when the tracker
            # store saves it, its own flag for it is this one, not a second.
            fallback.raise_flag(
                sender, message.text, verdict, self.name(), OPTED_OUT_NOTE, message_id
            )
        if not store:
            return
        failure, _ = await fallback.run_message(
            agent.log_message, message.text, None, sender, self.name(), message.metadata, message_id
        )
        if failure is not None:
            logger.error(
                "message from opted-out %s not recorded in time: %r", masked(sender), failure
            )


def _int(value: Optional[str]) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
