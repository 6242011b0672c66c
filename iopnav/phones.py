"""Phone numbers, read one way everywhere: libphonenumber, with the clinic's
region (US) for numbers written without a country code.

Callers differ only in how strict they are and how they write the number:

- a visitor's callback number (intake) must be dialable: `parse(text)`, kept
  as E.164 so staff, exports and "forget me" compare numbers exactly;
- a program's number (CSV import) must be dialable and is shown the way
  staff write it: `display()`;
- a number to erase ("forget me") only needs to be possible: an erasure
  request is honoured even for a number the metadata calls unassigned.
"""

from typing import Optional

import phonenumbers

DEFAULT_REGION = "US"


def parse(text: Optional[str], *, dialable: bool = True) -> Optional[phonenumbers.PhoneNumber]:
    """The number in `text`, or None. `dialable=False` accepts any number of a
    possible length instead of only assigned ranges."""
    try:
        number = phonenumbers.parse((text or "").strip(), DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    ok = phonenumbers.is_valid_number if dialable else phonenumbers.is_possible_number
    return number if ok(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    """'+18135550143': the form numbers are stored and compared in."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display(number: phonenumbers.PhoneNumber) -> str:
    """'(813) 555-0101' for a US or Canadian number, '+44 20 7946 0000' otherwise."""
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
