"""Reviewers read, annotate, update intake requests and acknowledge flags;
only admins export, erase, manage accounts and read the audit log."""

import pytest

from tests.support.console import ADMIN, REVIEWER
from tests.support.demo_data import Msg

ADMIN_PAGES = [
    ("/admin/users", "Only admins can manage accounts."),
    ("/admin/audit", "Only admins can read the audit log."),
    ("/export/referrals.csv", "Only admins can export data."),
    ("/export/training-data.yml", "Only admins can export data."),
    ("/forget", "Only admins can delete conversations."),
]


@pytest.fixture(scope="module")
def sender(console):
    return console.conversation([Msg("what insurance do you take?", "ask_insurance")])


def test_reviewer_cannot_export_delete_or_manage(console, sender):
    client = console.client(REVIEWER)
    key = console.key(sender)
    for path, message in ADMIN_PAGES + [
        (f"/export/conversation?id={key}&format=json", "Only admins can export conversations.")
    ]:
        resp = client.get(path)
        assert resp.status_code == 403 and message in resp.text, path
    resp = client.post("/forget", {"conversation": key, "confirm": "yes"})
    assert resp.status_code == 403
    resp = client.post(
        "/admin/users", {"email": "new@clinic.example", "role": "admin", "password": "x" * 20}
    )
    assert resp.status_code == 403
    assert console.event_count(sender) > 0
    assert (
        console.query(
            console.database_url,
            "select count(*) from console_users where email = 'new@clinic.example'",
        )[0][0]
        == 0
    )
    # The buttons are not even shown, and the attempts are audited.
    page = client.get(f"/transcript/{key}").text
    assert (
        "Export:" not in page and "Forget this visitor" not in page and "/admin/audit" not in page
    )
    denied = [(actor, target) for actor, action, target, _ in console.audit() if action == "denied"]
    assert (REVIEWER, "/forget") in denied


def test_admin_can(console, sender):
    client = console.client(ADMIN)
    for path, _ in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
    page = client.get(f"/transcript/{console.key(sender)}").text
    assert "Export:" in page and "Forget this visitor" in page


def test_admin_manages_accounts(console):
    admin = console.client(ADMIN)
    page = admin.post(
        "/admin/users",
        {"email": "Nurse@Clinic.example", "role": "reviewer", "password": "a fine long password"},
    )
    assert "Account created for nurse@clinic.example (reviewer)." in page.text
    dup = admin.post(
        "/admin/users",
        {"email": "nurse@clinic.example", "role": "reviewer", "password": "a fine long password"},
    )
    assert "already exists" in dup.text
    weak = admin.post(
        "/admin/users", {"email": "x@clinic.example", "role": "reviewer", "password": "short"}
    )
    assert "at least 12 characters" in weak.text
    bad_role = admin.post(
        "/admin/users",
        {"email": "y@clinic.example", "role": "superuser", "password": "a fine long password"},
    )
    assert "Unknown role 'superuser'" in bad_role.text.replace("&#39;", "'")

    nurse = console.client("nurse@clinic.example", "a fine long password")
    user_id = console.query(
        console.database_url, "select id from console_users where email = 'nurse@clinic.example'"
    )[0][0]
    admin.post(f"/admin/users/{user_id}", {"role": "reviewer"})  # "active" unticked: disabled
    assert nurse.get("/dashboard", allow_redirects=False).status_code == 302  # signed out at once
    assert console.client().login("nurse@clinic.example", "a fine long password").status_code == 401

    me = console.query(
        console.database_url, "select id from console_users where email = :e", e=ADMIN
    )[0][0]
    self_demote = admin.post(f"/admin/users/{me}", {"role": "reviewer", "active": "1"})
    assert "You cannot change your own role or disable your own account." in self_demote.text


def test_the_nlu_corrections_export_is_linked_for_admins(console):
    link = 'href="/export/training-data.yml"'
    assert link in console.client(ADMIN).get("/conversations").text
    assert link not in console.client(REVIEWER).get("/conversations").text
