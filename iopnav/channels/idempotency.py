"""A message sent again is answered from what the conversation stored,
never run through the dialogue twice.

Clients retry: the widget resends a message that got no answer, Twilio
retries a webhook, a load balancer passes a request on. Each names its
message with an id (the widget's `message_id`, the REST body's `message_id`,
Twilio's MessageSid), and the turn carries it as Rasa's message id. Under
the conversation's lock (shared by every server when the lock store is),
the turn first looks for a stored user message with that id:

- found: the bot messages that followed it are sent again, as the dialogue
  sent them, and nothing is processed or stored;
- not found: the turn runs as usual (a first attempt that failed before
  its save is not remembered, so it runs again).

The check reads the shared tracker store, so it holds across servers and
restarts; the tracker store also keeps a message id once (event_log.py) in
case two servers ever run the same message at once.
"""

import functools
import logging
from typing import Any, Dict, List, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered

logger = logging.getLogger(__name__)


async def handle_once(agent: Any, message: UserMessage) -> None:
    """Agent.handle_message, unless the conversation already answered this
    message id: then the stored answer goes to the output channel again."""
    if not agent.is_ready():  # as Agent.handle_message: no model, no answer
        return
    async with agent.lock_store.lock(message.sender_id):
        replies = await stored_replies(agent.tracker_store, message.sender_id, message.message_id)
        if replies is None:
            await agent.processor.handle_message(message)
            return
        logger.info("a retried message was answered from the stored turn")
        for reply in replies:
            await message.output_channel.send_response(message.sender_id, reply)


async def stored_replies(store: Any, sender_id: str, message_id: str) -> Optional[List[Dict]]:
    """The stored answer to `message_id`, None if the message is not stored.
    Our SQL store answers with one indexed query; any other store (tests use
    Rasa's in-memory one) through the conversation's events."""
    inner = innermost(store)
    if hasattr(inner, "replies_to"):
        return await inner.replies_to(sender_id, message_id)
    tracker = await store.retrieve_full_tracker(sender_id)
    return replies_in(tracker.events if tracker else [], message_id)


def replies_in(events: List[Event], message_id: str) -> Optional[List[Dict]]:
    replies: List[Dict] = []
    found = False
    for event in events:
        if isinstance(event, UserUttered):
            if found:
                break
            found = event.message_id == message_id
        elif found and isinstance(event, BotUttered):
            replies.append(event.message())
    return replies if found else None


def innermost(store: Any) -> Any:
    """Through Rasa's wrappers (FailSafeTrackerStore, AwaitableTrackerStore)."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def dialogue(agent: Any, on_new_message: Any, client_id: Optional[str]) -> Any:
    """What runs a channel's turn: Rasa's handler, or with a client's message
    id the one that answers a retry from the store."""
    if client_id is None:
        return on_new_message
    return functools.partial(handle_once, agent)
