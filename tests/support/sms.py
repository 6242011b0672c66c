"""Twilio's side of the SMS webhook, for tests: form posts signed exactly as
Twilio signs them, with the real twilio library's RequestValidator."""

import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Dict, List, Optional

from twilio.request_validator import RequestValidator

from tests.support.assistant import TWILIO_TOKEN

CLINIC_NUMBER = "+15550100142"


@dataclass
class SmsReply:
    status: int
    content_type: str
    body: str

    @property
    def messages(self) -> List[str]:
        """The texts Twilio would send back, one per <Message>."""
        if self.status != 200:
            return []
        return [m.text or "" for m in ET.fromstring(self.body).iter("Message")]

    @property
    def text(self) -> str:
        return "\n".join(self.messages)


def twilio_params(sender: str, body: Optional[str], **extra: str) -> Dict[str, str]:
    params = {
        # Unique per text, as Twilio's: the channel answers a repeated SID
        # with the first reply and does not run the dialogue again.
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": CLINIC_NUMBER,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }
    if body is not None:
        params["Body"] = body
    params.update(extra)
    return params


def post_form(url: str, raw_body: bytes, signature: Optional[str]) -> SmsReply:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(url, data=raw_body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as resp:
            return SmsReply(resp.status, resp.headers.get("Content-Type", ""), resp.read().decode())
    except urllib.error.HTTPError as exc:
        return SmsReply(exc.code, exc.headers.get("Content-Type", ""), exc.read().decode())


def send_sms(
    rasa_url: str, sender: str, body: Optional[str], token: str = TWILIO_TOKEN, **extra: str
) -> SmsReply:
    """What Twilio does when `sender` texts `body` to the clinic's number."""
    url = f"{rasa_url}/webhooks/sms/webhook"
    params = twilio_params(sender, body, **extra)
    signature = RequestValidator(token).compute_signature(url, params)
    return post_form(url, urllib.parse.urlencode(params).encode(), signature)
