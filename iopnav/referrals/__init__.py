"""Referrals: a visitor asks clinic staff to contact them about a program.

    model.py    the `referrals` table (Referral) and its statuses
    checks.py   what the visitor typed: name, phone or email, time, consent,
                which program
    save.py     storing one referral, only with consent

Names: the code says "referral" everywhere it can. Two places keep "intake":
- the words people see. Visitors and staff read "intake request" (the
  chat's questions, the console's Intake page): it is what clinics call it.
- the Rasa contract. The form `intake_form`, its `intake_*` slots, the
  intents and `action_submit_intake` are names in domain/, data/ and the
  trained model; renaming them means retraining, so they stay.
actions/referral_form.py is the bridge: Rasa's intake_form in, referrals out.

The model is imported from the package (`from iopnav.referrals import
Referral`), the checks and the save from their modules.
"""

from iopnav.referrals.model import REFERRAL_STATUSES, Referral

__all__ = ["REFERRAL_STATUSES", "Referral"]
