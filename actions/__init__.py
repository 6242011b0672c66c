"""Custom actions for the Rasa action server (`python -m rasa_sdk --actions actions`).

Thin by design: each module turns slots into a call to the `iopnav` package
and its answer into messages. One module per concern:

    answers.py        knowledge answers shaped by what was asked (iopnav/answers.py picks)
    directory.py      program search, "show more", the search form's validation
    referral_form.py  the intake form's validation and saving the referral
    forms.py          clearing a form's answers when the visitor cancels it
"""
