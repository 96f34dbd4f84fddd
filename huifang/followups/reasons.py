"""Words for the planner's reason codes, so people read why a follow-up moved."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from huifang.domain.contact_policy import ReasonCode

LABELS: dict[str, Promise] = {
    ReasonCode.OPTED_OUT: _("Customer opted out of follow-ups"),
    ReasonCode.CHANNEL_REFUSED: _("Customer refused this channel"),
    ReasonCode.OUTSIDE_CONTACT_HOURS: _("Outside contact hours"),
    ReasonCode.REST_DAY: _("Rest day"),
    ReasonCode.OUTSIDE_PREFERRED_WINDOW: _("Outside the customer's preferred time"),
    ReasonCode.BLACKOUT: _("Blackout period"),
    ReasonCode.FREQUENCY_CAP: _("Frequency cap (too many contacts in 72 h)"),
    ReasonCode.ROUTINE_GAP: _("Too soon after another routine contact"),
    ReasonCode.NO_SLOT_IN_WINDOW: _("No allowed moment in the due window"),
    ReasonCode.DUPLICATE: _("Already planned"),
    ReasonCode.MERGED: _("Merged into a more important follow-up"),
    ReasonCode.CONTACT_LEVEL: _("Customer asked for more or less contact"),
    ReasonCode.DEFERRED_RECENT_CONTACT: _("Deferred after a recent contact"),
    ReasonCode.DEFERRED_RECENT_COMPLAINT: _("Deferred after a recent complaint"),
    ReasonCode.CHANNEL_SWITCHED: _("Channel changed to the customer's preference"),
    ReasonCode.PAST_DUE: _("Due window already open"),
    ReasonCode.NOTICE_PERIOD: _("Announced a day ahead"),
    ReasonCode.WINDOW_EXTENDED: _("Searched beyond the due window"),
    "calendar_unknown": _("Holidays of that year not entered yet"),
    "customer_merged": _("Customers merged"),
}


def label(code: str) -> str:
    return str(LABELS.get(code, code))
