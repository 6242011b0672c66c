"""The audit trail (review L4, M6): every row says where it came from, views
of the audit log, the accounts page and the erasure preview are recorded,
looking a conversation up by sender id leaves a row whether or not it exists,
an action and its audit row are stored together or not at all, and the
console's error log names the exception type, never the values."""

import logging

from tests.support.console import ADMIN, REVIEWER
from tests.support.demo_data import Msg

SMS_NUMBER = "+18135550177"


def test_every_row_names_the_address_and_browser_it_came_from(console):
    client = console.client_sending({"user-agent": "Mozilla/5.0 (audit test)"})
    client.login(REVIEWER)
    client.get("/conversations")
    login = console.audit_rows("login")[-1]
    listing = console.audit_rows("view_list")[-1]
    assert login[3:] == ("127.0.0.1", "Mozilla/5.0 (audit test)")
    assert listing[0] == REVIEWER and listing[3:] == ("127.0.0.1", "Mozilla/5.0 (audit test)")
    page = console.client(ADMIN).get("/admin/audit").text
    assert "Mozilla/5.0 (audit test)" in page and "127.0.0.1" in page


def test_reading_the_audit_log_accounts_and_erasure_preview_is_audited(console):
    sender = console.conversation([Msg("what is an IOP?", "ask_what_is_iop")])
    key = console.key(sender)
    admin = console.client(ADMIN)
    assert admin.get("/admin/users").ok
    assert admin.get("/admin/audit?action=login").ok
    assert admin.get(f"/forget?id={key}").ok
    assert console.audit_rows("view_users")[-1][:2] == (ADMIN, "accounts")
    assert console.audit_rows("view_audit")[-1][:3] == (
        ADMIN,
        "audit log",
        "page 1; filters: action",
    )
    assert console.audit_rows("view_forget")[-1][:2] == (ADMIN, f"conversation #{key}")
    assert console.event_count(sender) > 0  # a preview erases nothing


def test_looking_up_a_sender_id_is_audited_found_or_not(console):
    console.conversation(
        [Msg("what is an IOP?", "ask_what_is_iop")], channel="sms", sender_id=SMS_NUMBER
    )
    reviewer = console.client(REVIEWER)
    found = reviewer.get("/conversations/%2B18135550177")
    assert found.status_code == 200 and "/transcript/" in found.url
    missing = reviewer.get("/conversations/%2B18135550100")
    assert missing.status_code == 404 and "no conversation with that id" in missing.text
    lookups = [(a, t, d) for a, t, d, *_ in console.audit_rows("lookup_sender")][-2:]
    assert lookups == [
        (REVIEWER, f"conversation #{console.key(SMS_NUMBER)}", "by sender id"),
        (REVIEWER, "no such conversation", "by sender id"),
    ]
    everything = str(console.query(console.database_url, "select * from console_audit"))
    assert "5550177" not in everything and "5550100" not in everything


def test_an_action_is_not_stored_without_its_audit_row_and_the_log_holds_no_values(console, caplog):
    console.add_user("audited@clinic.example", "reviewer")
    admin = console.client(ADMIN)
    user_id = console.query(
        console.database_url, "select id from console_users where email = 'audited@clinic.example'"
    )[0][0]
    console.execute(console.database_url, "alter table console_audit rename to audit_away")
    try:
        with caplog.at_level(logging.INFO):
            # The fault is real: an ordinary audited page cannot be shown.
            assert admin.get("/admin/users").status_code == 500
            resp = admin.post(f"/admin/users/{user_id}", {"role": "admin", "active": "1"})
    finally:
        console.execute(console.database_url, "alter table audit_away rename to console_audit")
    assert resp.status_code == 500 and "the error was logged" in resp.text
    assert "Traceback" not in resp.text and "console_audit" not in resp.text
    role = console.query(
        console.database_url, "select role from console_users where id = :i", i=user_id
    )
    assert role == [("reviewer",)]  # the change went with its audit row
    logged = caplog.text
    assert "unhandled" in logged and "Error" in logged
    assert "[parameters:" not in logged and "[SQL:" not in logged  # SQLAlchemy's message
    assert ADMIN not in logged and "audited@clinic.example" not in logged
    # With the table back, the same change goes through and is audited.
    admin.post(f"/admin/users/{user_id}", {"role": "admin", "active": "1"})
    assert console.audit_rows("user_update")[-1][:3] == (
        ADMIN,
        "user audited@clinic.example",
        "role reviewer -> admin",
    )
