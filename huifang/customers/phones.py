"""Phone numbers: one normalised form (E.164) so that duplicates are found by equality.

Accepts what people type and what spreadsheets hold: full-width digits (１３８…), spaces,
dashes, dots and brackets, the 86 / +86 / 0086 prefixes, landlines with their area code
and an extension after 转 / 分机 / ext. Mainland mobile numbers, almost every number we
see, take a fast path through the `phonenumbers` metadata itself (an import of 100,000
rows cannot afford 30 µs per number); every other number goes through the full parser.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext as _
from phonenumbers import PhoneMetadata, PhoneNumberFormat

# phonenumbers' own pattern for CN mobile numbers; a match is exactly a valid mobile.
_CN_MOBILE = getattr(PhoneMetadata.metadata_for_region("CN"), "mobile", None)
assert _CN_MOBILE is not None and _CN_MOBILE.national_number_pattern
MAINLAND_MOBILE = re.compile(_CN_MOBILE.national_number_pattern)

_SEPARATORS = re.compile(r"[\s\-–—_.·()/\\]+")
_MOBILE_SHAPE = re.compile(r"(?:\+86|0086|86)?(1\d*)")
_EXTENSION = re.compile(r"\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
EXTENSION_MARK = ";ext="


class PhoneError(ValueError):
    """Not a phone number; the message says in the user's language what to fix."""


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (１３８，＋８６) as ordinary ones."""
    return unicodedata.normalize("NFKC", text).strip()


def normalize_phone(raw: str) -> str:
    """E.164 (``+8613812345678``), with ``;ext=8001`` when the number has an extension.

    Raises PhoneError with a message a person can act on.
    """
    text = halfwidth(raw)
    compact = _SEPARATORS.sub("", text)
    if not compact:
        raise PhoneError(_("The phone number is empty."))
    shape = _MOBILE_SHAPE.fullmatch(compact)
    # Beijing landlines (010…) also start with 1 once the trunk 0 is gone.
    if shape and not shape.group(1).startswith("10"):
        national = shape.group(1)
        if len(national) != 11:
            raise PhoneError(
                _("“%(value)s” has %(count)d digits; a mainland mobile number has 11.")
                % {"value": raw, "count": len(national)}
            )
        if MAINLAND_MOBILE.fullmatch(national):
            return "+86" + national
        raise PhoneError(
            _("“%(value)s” is not a mainland mobile number in use; check the first digits.")
            % {"value": raw}
        )
    return _normalize_other(raw, text)


def _normalize_other(raw: str, text: str) -> str:
    extension = ""
    found = _EXTENSION.search(text)
    if found:
        extension, text = found.group(1), text[: found.start()]
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise PhoneError(
            _(
                "“%(value)s” is not a phone number: enter an 11-digit mobile number, "
                "or a landline with its area code such as 010-88886666."
            )
            % {"value": raw}
        )
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"{e164}{EXTENSION_MARK}{extension}" if extension else e164


def _split(e164: str) -> tuple[str, str]:
    number, _mark, extension = e164.partition(EXTENSION_MARK)
    return number, extension


def national_digits(e164: str) -> tuple[str, str]:
    """(country prefix shown to people, digits as dialled at home): mainland numbers get no
    prefix and landlines their trunk 0 (``010…``); others ``+1`` and their own digits."""
    number, _extension = _split(e164)
    if number.startswith("+86"):
        digits = number[3:]
        mobile = digits.startswith("1") and len(digits) == 11
        # Mobiles and the nationwide 400/800 service numbers are dialled without a trunk 0.
        return "", digits if mobile or digits[:3] in {"400", "800"} else "0" + digits
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return "", number
    return f"+{parsed.country_code} ", str(parsed.national_number)


def _with_extension(text: str, extension: str) -> str:
    return f"{text} 转 {extension}" if extension else text


def display_phone(e164: str) -> str:
    """The number as people write it: 13812345678, 010-88886666 转 8001, +1 4155552671."""
    if not e164:
        return ""
    prefix, digits = national_digits(e164)
    _number, extension = _split(e164)
    if not prefix and digits.startswith("0"):
        area = 3 if digits[1] in "12" else 4  # 010, 020–029 have 2-digit area codes
        digits = f"{digits[:area]}-{digits[area:]}"
    elif not prefix and digits[:3] in {"400", "800"}:
        digits = f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    return _with_extension(prefix + digits, extension)


def mask_phone(e164: str) -> str:
    """Keep the first three and the last four digits: 138****1234 (PIPL minimisation)."""
    if not e164:
        return ""
    prefix, digits = national_digits(e164)
    _number, extension = _split(e164)
    if len(digits) <= 7:
        masked = "*" * (len(digits) - 4) + digits[-4:]
    else:
        masked = digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return _with_extension(prefix + masked, extension)


def last_four(e164: str) -> str:
    """The last four digits of the number itself (not of its extension), for search."""
    number, _extension = _split(e164)
    return number[-4:] if number else ""
