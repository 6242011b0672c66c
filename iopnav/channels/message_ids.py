"""The message ids a client may send with a message (the widget's
`message_id`, the REST body's `message_id`), which make a retry safe
(idempotency.py). Here, apart, because the web page server checks them too
and does not load Rasa."""

import re
from typing import Any

# The widget's 32 hex digits, Twilio's 34-character SIDs, a UUID; nothing
# that could be mistaken for markup or a path.
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# A bad id is answered with wording.yml's "bad_input.invalid_message_id".


def is_client_id(value: Any) -> bool:
    return isinstance(value, str) and bool(CLIENT_ID.match(value))
