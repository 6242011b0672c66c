"""After a hand-off the web reply keeps only buttons about safety."""

from iopnav.channels.conversation import without_topic_buttons


def test_topic_and_program_buttons_go_and_safety_answers_stay():
    replies = [
        {
            "text": "Most IOPs meet a few hours a day.",
            "buttons": [
                {"title": "Insurance", "payload": "/ask_insurance"},
                {"title": "Find a program", "payload": "/find_program"},
            ],
        },
        {
            "text": "Are you safe right now?",
            "buttons": [
                {"title": "I'm not safe", "payload": '/crisis{"crisis_kind":"suicide"}'},
                {"title": "Find a program", "payload": "/find_program"},
                {"title": "Talk to a person", "payload": "/request_human"},
            ],
        },
    ]
    calm = without_topic_buttons(replies)
    assert "buttons" not in calm[0] and calm[0]["text"] == replies[0]["text"]
    assert [b["title"] for b in calm[1]["buttons"]] == ["I'm not safe", "Talk to a person"]
