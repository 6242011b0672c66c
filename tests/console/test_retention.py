"""Retention, run the way `make retention` runs it (`python -m
iopnav.console.retention`), against the console's SQLite and PostgreSQL
stores: old conversations go, crisis-flagged ones stay longer, crisis flag
rows are never deleted, open intake requests wait for staff."""

import os
import re
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from tests.support.console import ADMIN, REVIEWER
from tests.support.demo_data import Msg

DAY = 86400


def retention(console, *args, **env):
    full_env = {
        **os.environ,
        "IOP_DATABASE_URL": console.database_url,
        "IOP_TRACKER_STORE_URL": console.tracker_url,
        "PYTHONPATH": os.getcwd(),
        **env,
    }
    for name in ("IOP_RETENTION_DAYS", "IOP_CRISIS_RETENTION_DAYS"):
        if name not in env:
            full_env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "iopnav.console.retention", *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def aged(console):
    old_note = console.conversation(
        [Msg("do you take Medicaid?", "ask_insurance")], age_seconds=100 * DAY
    )
    ids = {
        "recent": console.conversation(
            [Msg("when are groups?", "ask_schedule")], age_seconds=2 * DAY
        ),
        "old": old_note,
        "old_crisis": console.conversation(
            [Msg("I want to kill myself", "crisis", 0.97)], age_seconds=100 * DAY
        ),
        "ancient_crisis": console.conversation(
            [Msg("I want to end my life", "crisis", 0.96)], age_seconds=400 * DAY
        ),
    }
    client = console.client(REVIEWER)
    client.post("/annotate/note", {"conversation": console.key(old_note), "text": "called back"})
    # Intake requests: one closed long ago, one still waiting for a call.
    closed = console.referral(ids["old"], "Lee", "727-555-0101")
    waiting = console.referral(ids["old"], "Kai", "727-555-0102")
    long_ago = datetime.utcnow() - timedelta(days=120)
    console.execute(console.database_url, "update referrals set created_at = :t", t=long_ago)
    console.execute(
        console.database_url, "update referrals set status = 'closed' where id = :i", i=closed
    )
    ids["keys"] = {name: console.key(sender) for name, sender in ids.items()}
    ids["closed"], ids["waiting"] = closed, waiting
    return ids


def flag_count(console, sender):
    return console.query(
        console.database_url, "select count(*) from crisis_flags where sender_id = :s", s=sender
    )[0][0]


def listed_keys(console):
    html = console.client(REVIEWER).get("/conversations").text
    return {int(k) for k in re.findall(r'href="/transcript/(\d+)"', html)}


def test_bad_settings_are_refused_before_anything_is_deleted(console, aged):
    shorter = retention(console, "--days", "90", "--crisis-days", "30")
    assert shorter.returncode == 2
    assert "--crisis-days (30) must be at least --days (90)" in shorter.stderr
    zero = retention(console, "--days", "0")
    assert zero.returncode == 2 and "--days must be at least 1." in zero.stderr
    assert console.event_count(aged["old"]) > 0


def test_dry_run_counts_but_deletes_nothing(console, aged):
    done = retention(console, "--dry-run", IOP_RETENTION_DAYS="90", IOP_CRISIS_RETENTION_DAYS="365")
    assert done.returncode == 0, done.stderr
    assert (
        "Would delete 2 conversation(s)" in done.stdout and "kept 1 crisis-flagged" in done.stdout
    )
    assert all(
        console.event_count(aged[n]) > 0 for n in ("recent", "old", "old_crisis", "ancient_crisis")
    )
    assert aged["keys"]["old"] in listed_keys(console)


def test_retention_deletes_old_conversations_keeps_crisis_ones_and_every_flag(console, aged):
    done = retention(console, IOP_RETENTION_DAYS="90", IOP_CRISIS_RETENTION_DAYS="365")
    assert done.returncode == 0, done.stderr
    assert (
        "Deleted 2 conversation(s)" in done.stdout and "1 closed intake request(s)" in done.stdout
    )
    assert "kept 1 crisis-flagged conversation(s)" in done.stdout
    # Nothing about the people is printed.
    assert "Medicaid" not in done.stdout and "727" not in done.stdout

    assert (
        console.event_count(aged["old"]) == 0 and console.event_count(aged["ancient_crisis"]) == 0
    )
    assert console.event_count(aged["recent"]) > 0 and console.event_count(aged["old_crisis"]) > 0
    notes = console.query(
        console.database_url,
        "select count(*) from conversation_notes where sender_id = :s",
        s=aged["old"],
    )[0][0]
    assert notes == 0
    # Safety rule: only an admin's "forget me" removes a crisis flag.
    assert (
        flag_count(console, aged["ancient_crisis"]) == 1
        and flag_count(console, aged["old_crisis"]) == 1
    )
    referrals = {i for (i,) in console.query(console.database_url, "select id from referrals")}
    assert aged["closed"] not in referrals and aged["waiting"] in referrals

    # What staff see afterwards.
    listed = listed_keys(console)
    assert aged["keys"]["old"] not in listed and aged["keys"]["ancient_crisis"] not in listed
    assert aged["keys"]["recent"] in listed and aged["keys"]["old_crisis"] in listed
    audit_page = console.client(ADMIN).get("/admin/audit?action=retention").text
    assert (
        "system" in audit_page
        and "days=90 crisis_days=365: Deleted 2 conversation(s)" in audit_page
    )


def test_a_second_run_finds_nothing_more(console, aged):
    done = retention(console, "--days", "90", "--crisis-days", "365")
    assert done.returncode == 0 and "Deleted 0 conversation(s)" in done.stdout
    assert console.event_count(aged["old_crisis"]) > 0


def test_console_command_line_runs_the_same_retention(console, aged):
    """`python -m iopnav.console retention` is the same command under the console's CLI."""
    env = {
        **os.environ,
        "IOP_DATABASE_URL": console.database_url,
        "IOP_TRACKER_STORE_URL": console.tracker_url,
        "PYTHONPATH": os.getcwd(),
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "iopnav.console",
            "retention",
            "--days",
            "30",
            "--crisis-days",
            "60",
            "--dry-run",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "Would delete 1 conversation(s)" in done.stdout  # old_crisis is past 60 days
    assert console.event_count(aged["old_crisis"]) > 0


def test_flags_past_crisis_retention_are_anonymised_but_kept(console, aged):
    """M9: after --crisis-days a flag keeps no phone number and no quoted
    words; the row stays (rule 3), and an open flag is left for staff."""
    followed_up = console.conversation(
        [Msg("I want to kill myself", "crisis", 0.97)], channel="sms", sender_id="+17275550155"
    )
    still_open = console.conversation(
        [Msg("I want to end my life", "crisis", 0.96)], channel="sms", sender_id="+17275550156"
    )
    long_ago = datetime.utcnow() - timedelta(days=400)
    console.execute(
        console.database_url,
        "update crisis_flags set created_at = :t where sender_id in (:a, :b)",
        t=long_ago,
        a=followed_up,
        b=still_open,
    )
    console.execute(
        console.database_url,
        "update crisis_flags set acknowledged = :t where sender_id = :s",
        t=True,
        s=followed_up,
    )
    before = console.query(console.database_url, "select count(*) from crisis_flags")[0][0]
    assert flag_count(console, followed_up) == 1  # the fault: a phone number kept 400 days
    done = retention(console, "--days", "90", "--crisis-days", "365")
    assert done.returncode == 0, done.stderr
    assert "anonymised 1 crisis flag(s) past it (1 still open, kept)" in done.stdout
    assert flag_count(console, followed_up) == 0 and flag_count(console, still_open) == 1
    assert console.query(console.database_url, "select count(*) from crisis_flags")[0][0] == before
    [(evidence,)] = console.query(
        console.database_url,
        "select evidence from crisis_flags where created_at = :t and acknowledged = :a",
        t=long_ago,
        a=True,
    )
    assert evidence is None
