"""A program in the directory. List-valued fields (conditions, insurers...)
are stored as canonical values joined by "|" so a CSV row maps to one
database row and staff can edit the CSV in a spreadsheet."""

from typing import List

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Integer, String, Text

from iopnav.clock import utcnow
from iopnav.db import Base

LIST_SEPARATOR = "|"
LIST_FIELDS = (
    "age_groups",
    "conditions",
    "therapies",
    "insurances",
    "delivery_modes",
    "schedule_times",
    "languages",
)


class Program(Base):
    __tablename__ = "programs"

    id = Column(Integer, primary_key=True)
    slug = Column(String(120), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    organization = Column(String(200), nullable=True)
    program_type = Column(
        String(40), nullable=False, index=True
    )  # mental health | addiction | dual diagnosis | eating disorder
    age_groups = Column(Text, nullable=False, default="")
    conditions = Column(Text, nullable=False, default="")
    therapies = Column(Text, nullable=False, default="")
    insurances = Column(Text, nullable=False, default="")
    delivery_modes = Column(Text, nullable=False, default="")
    schedule_times = Column(Text, nullable=False, default="")
    # Languages the groups are held in, e.g. "English|Spanish" (FindTreatment.gov filters on it).
    languages = Column(Text, nullable=False, default="", server_default="")
    hours_per_week = Column(Integer, nullable=True)
    typical_weeks = Column(Integer, nullable=True)
    days_per_week = Column(Integer, nullable=True)
    schedule_text = Column(String(300), nullable=True)
    address = Column(String(300), nullable=True)
    city = Column(String(120), nullable=False, index=True)
    state = Column(String(2), nullable=False, index=True)
    zip_code = Column(String(10), nullable=False, index=True)
    latitude = Column(Float, nullable=True)
    longitude = Column(Float, nullable=True)
    phone = Column(String(32), nullable=True)
    # When the intake line answers; offered with the phone when someone asks for a person.
    intake_hours = Column(String(120), nullable=True)
    website = Column(String(300), nullable=True)
    accepting_new = Column(Boolean, nullable=False, default=True)
    description = Column(Text, nullable=True)
    # When staff last confirmed the row with the program (shown so nobody
    # mistakes stale data for a promise).
    last_verified = Column(Date, nullable=True)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)

    def list_of(self, field: str) -> List[str]:
        value = getattr(self, field) or ""
        return [v for v in value.split(LIST_SEPARATOR) if v]
