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
2. carrier keywords (STOP/START/HELP), only when the whole message is one:
   anything longer is read normally, so a crisis is never swallowed;
3. opted-out numbers get no reply at all; their message is still recorded
   (and flagged for staff if it is a crisis), without running the dialogue;
4. everything else: the shared cleaning, a digit picks a numbered option,
   normal Rasa processing, the crisis reminder, split into <= 1,600 chars.

Settings (environment only; see docs/channels.md):
  IOP_TWILIO_AUTH_TOKEN  the account's auth token (signs every webhook)
  IOP_TWILIO_VALIDATE    "false" only for local experiments without Twilio
  IOP_PUBLIC_URL         https://host[/prefix] Twilio calls, behind a proxy
"""

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
from iopnav.channels import optout, sms_text
from iopnav.channels.cleaning import BadInput, clean_text
from iopnav.channels.conversation import (
    offered_options,
    stand_in_and_reminder,
    without_topic_buttons,
)

logger = logging.getLogger(__name__)

# E.164 numbers, optionally with a Twilio channel prefix ("whatsapp:+1...").
SENDER_PATTERN = re.compile(r"^(?:[a-z]+:)?\+?[0-9]{3,15}$")


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
        self.auth_token = auth_token
        self.validate = validate
        self.public_url = public_url
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

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            params = parse_form(request.body or b"")
            if not self.signature_ok(request, params):
                logger.warning("SMS webhook refused: missing or invalid X-Twilio-Signature")
                return response.text("Invalid or missing X-Twilio-Signature.", status=403)
            sender = (params.get("From") or "").strip()
            if not SENDER_PATTERN.match(sender):
                return response.text("The request has no valid From number.", status=400)
            return await self.handle(request, on_new_message, sender, params)

        return webhook

    async def handle(
        self,
        request: Request,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        sender: str,
        params: Dict[str, str],
    ) -> HTTPResponse:
        body = params.get("Body")
        word = sms_text.keyword(body)
        if word in sms_text.STOP_WORDS:
            await optout.opt_out(sender, word)
            logger.info("SMS %s opted out", masked(sender))
            return reply_text(sms_text.stop_text())
        is_opted_out = await optout.opted_out(sender)
        if word in sms_text.START_WORDS or (is_opted_out and word in sms_text.START_WHEN_OPTED_OUT):
            await optout.opt_in(sender, word)
            logger.info("SMS %s opted back in", masked(sender))
            return reply_text(sms_text.start_text())
        if word in sms_text.HELP_WORDS:
            # Carriers require HELP to be answered, opted out or not; the
            # answer names the crisis line and the emergency number.
            return reply_text(sms_text.help_text())
        if is_opted_out:
            await self.record_only(request, sender, body)
            return twiml([])

        has_media = _int(params.get("NumMedia")) > 0
        try:
            message = clean_text(body or "")
        except BadInput as exc:
            code = "media_only" if has_media else exc.code
            return reply_text(sms_text.BAD_INPUT_TEXTS.get(code, exc.message))

        text, metadata = message.text, dict(message.metadata)
        option = sms_text.chosen_option(text, await offered_options(request.app, sender))
        if option:
            # Keep what the person typed next to the payload, for staff.
            metadata.setdefault("iopnav", {})["typed"] = text
            text = option["payload"]

        collector = SMSCollector()
        try:
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=metadata or None,
                )
            )
        except Exception:
            logger.exception("SMS from %s could not be handled", masked(sender))
            return reply_text(sms_text.unavailable_text())

        notes = [n for n in (message.note, sms_text.MEDIA_NOTE if has_media else None) if n]
        rendered = sms_text.render(collector.messages)
        # Nothing from the dialogue (a custom action failed): say so rather
        # than leave the texter waiting.
        stand_in, reminder = await stand_in_and_reminder(request.app, sender, bool(rendered))
        if reminder:  # after a hand-off: no numbered topic options
            rendered = sms_text.render(without_topic_buttons(collector.messages))
        answer = "\n\n".join(notes + [rendered or stand_in or ""])
        return reply_text(answer.strip(), reminder)

    async def record_only(self, request: Request, sender: str, body: Optional[str]) -> None:
        """Store an opted-out number's message without answering it: staff
        still see it, and a crisis in it still raises a flag."""
        try:
            message = clean_text(body or "")
            await request.app.ctx.agent.log_message(
                UserMessage(
                    message.text,
                    None,
                    sender,
                    input_channel=self.name(),
                    metadata=message.metadata or None,
                )
            )
        except BadInput:
            pass
        except Exception:
            logger.exception("message from opted-out %s could not be recorded", masked(sender))


def _int(value: Optional[str]) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
