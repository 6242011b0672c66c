"""The SMS opt-out list (carrier STOP/START semantics), in the application
database so every Rasa server instance sees the same list.

One row per phone number, kept when the number opts back in (opted_out turns
false): when and by which keyword a number opted out or in is what a carrier
or auditor asks for. The number is stored in full: it is the key Twilio gives
us, and staff need it to honour or check a request.
"""

import asyncio
from typing import Optional

from sqlalchemy import Boolean, Column, DateTime, String

from iopnav.clock import utcnow
from iopnav.db import Base, session_factory


class SmsOptOut(Base):
    __tablename__ = "sms_opt_outs"

    phone = Column(String(64), primary_key=True)
    opted_out = Column(Boolean, nullable=False, default=True)
    keyword = Column(String(16), nullable=False)
    changed_at = Column(DateTime, nullable=False, default=utcnow)


def set_opted_out(phone: str, opted_out: bool, keyword: str, url: Optional[str] = None) -> None:
    Session = session_factory(url)
    with Session() as session:
        row = session.get(SmsOptOut, phone)
        if row is None:
            row = SmsOptOut(phone=phone)
            session.add(row)
        row.opted_out, row.keyword, row.changed_at = opted_out, keyword[:16], utcnow()
        session.commit()


def is_opted_out(phone: str, url: Optional[str] = None) -> bool:
    Session = session_factory(url)
    with Session() as session:
        row = session.get(SmsOptOut, phone)
        return bool(row and row.opted_out)


# The Rasa server is one event loop: database calls run in a worker thread so
# a slow database delays only this text, not every conversation.
async def opt_out(phone: str, keyword: str) -> None:
    await asyncio.to_thread(set_opted_out, phone, True, keyword)


async def opt_in(phone: str, keyword: str) -> None:
    await asyncio.to_thread(set_opted_out, phone, False, keyword)


async def opted_out(phone: str) -> bool:
    return await asyncio.to_thread(is_opted_out, phone)
