"""Writes: merging a duplicate customer into the customer kept (C7), by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.audit.models import Action
from huifang.audit.services import audit_record, jsonable
from huifang.customers.models import Channel, Contact, Customer, CustomerTag, MergedCustomer
from huifang.customers.phones import mask_phone
from huifang.customers.selectors import (
    MERGE_FILLED_FIELDS,
    customer_references,
    rows_label,
    rows_pointing_at,
)
from huifang.customers.services import customers_reclassify, plan_followups_after_commit


@dataclass
class MergeResult:
    kept: Customer
    merged_id: int
    moved: dict[str, int] = field(default_factory=dict)  # table label → rows moved
    filled: list[str] = field(default_factory=list)
    # Moved open follow-ups placed again under the kept customer's contact policy.
    replaced: int = 0  # given another time or channel
    merged: int = 0  # folded into a follow-up of the same purpose already planned
    cancelled: int = 0  # opted out, every channel refused, or no allowed time left


@transaction.atomic
def customer_merge(
    *, actor: User | None, kept: Customer, duplicate: Customer, now: datetime | None = None
) -> MergeResult:
    """Move everything of ``duplicate`` to ``kept``, fill ``kept``'s blanks from it, remove
    it (see MergedCustomer for why) and record it all as one audit entry, all or nothing.

    The moved follow-ups still open are placed again as the planner would place them for
    the kept customer at ``now``: after its own follow-ups, within its caps and wishes."""
    now = now or timezone.now()
    if kept.pk == duplicate.pk:
        raise ValidationError(_("A customer cannot be merged into itself."))
    # Both rows locked in id order: the planner and other merges wait for this one.
    locked = Customer.objects.select_for_update().filter(pk__in=[kept.pk, duplicate.pk])
    rows = {customer.pk: customer for customer in locked.order_by("pk")}
    if len(rows) != 2:
        raise ValidationError(_("The customer was removed or merged meanwhile; search again."))
    kept, duplicate = rows[kept.pk], rows[duplicate.pk]
    result = MergeResult(kept=kept, merged_id=duplicate.pk)
    changes: dict[str, Any] = {"merged_from": [None, f"{duplicate}（{duplicate.pk}）"]}
    changes.update(_fill_blanks(kept, duplicate, result))
    dropped = _drop_repeated(kept, duplicate)
    moved_keys = _move_followups(kept, duplicate)
    if "refused_channels" in changes:  # the kept customer's own plans on a channel now refused
        moved_keys |= _planned_on_refused(kept)
    if kept.contacts.exists():  # the kept customer's primary contact stays the primary one
        duplicate.contacts.update(is_primary=False)
    for rel in customer_references():
        moved = rows_pointing_at(rel, duplicate.pk).update(**{rel.field.name: kept.pk})
        if moved:
            result.moved[rows_label(rel)] = moved
    MergedCustomer.objects.create(
        merged_id=duplicate.pk,
        into=kept,
        label=str(duplicate)[:200],
        profile=_profile(duplicate),
        merged_by=actor,
    )
    duplicate.delete()
    placed = _place_moved_followups(kept, moved_keys, now, result)
    if "opted_out" in changes:  # the duplicate's opt-out stops the kept customer's plans too
        placed += _cancel_planned(kept, result)
    if placed:
        changes["followups"] = [None, placed]
    if dropped:
        changes["contacts"] = [dropped, None]
    summary = "、".join(f"{label} {count}" for label, count in result.moved.items())
    note = _("Customer no. %(id)d merged into this one; moved: %(moved)s") % {
        "id": result.merged_id,
        "moved": summary or "—",
    }
    if placed:
        counts = {"again": result.replaced, "merged": result.merged, "off": result.cancelled}
        text = _("; follow-ups placed again %(again)d, merged %(merged)d, cancelled %(off)d")
        note += text % counts
    audit_record(actor=actor, action=Action.MERGE, target=kept, changes=changes, note=note)
    customers_reclassify(today=timezone.localdate(now), actor=actor, customer_ids=[kept.pk])
    plan_followups_after_commit([kept.pk])
    return result


def _profile(customer: Customer) -> dict[str, Any]:
    names = [f.attname for f in Customer._meta.concrete_fields]
    profile = jsonable({name: getattr(customer, name) for name in names})
    profile["contacts"] = [
        f"{c.name} {mask_phone(c.phone)} {c.email} {c.wechat_id}".strip()
        for c in customer.contacts.all()
    ]
    profile["tags"] = sorted(customer.tags.values_list("name", flat=True))
    return dict(profile)


def _fill_blanks(kept: Customer, duplicate: Customer, result: MergeResult) -> dict[str, Any]:
    """Blanks of ``kept`` take the duplicate's value; an opt-out or a refused channel of
    either is honoured; the later complaint counts."""
    changes: dict[str, Any] = {}
    for name in MERGE_FILLED_FIELDS:
        mine, theirs = getattr(kept, name), getattr(duplicate, name)
        if not mine and theirs:
            setattr(kept, name, theirs)
            changes[name] = [None, str(theirs)]
            result.filled.append(name)
    refused = sorted({*kept.refused_channels, *duplicate.refused_channels})
    if refused != sorted(kept.refused_channels):
        changes["refused_channels"] = [kept.refused_channels, refused]
        kept.refused_channels = refused
    if kept.preferred_channel and kept.preferred_channel in refused:
        # A refusal outweighs a preference (as when a customer refuses on the phone).
        changes["preferred_channel"] = [kept.preferred_channel, ""]
        kept.preferred_channel = ""
    if duplicate.opted_out and not kept.opted_out:
        changes["opted_out"] = [False, True]
        kept.opted_out = True
    if duplicate.last_complaint_at and (
        kept.last_complaint_at is None or duplicate.last_complaint_at > kept.last_complaint_at
    ):
        kept.last_complaint_at = duplicate.last_complaint_at
    if "company" in changes:
        from huifang.customers.services import set_search_keys

        set_search_keys(kept)
    kept.save()
    return changes


def _drop_repeated(kept: Customer, duplicate: Customer) -> list[str]:
    """Remove what the kept customer already has: a contact with the same phone (its e-mail
    and WeChat id fill the kept contact's blanks) and a tag both carry."""
    CustomerTag.objects.filter(
        customer=duplicate,
        tag_id__in=CustomerTag.objects.filter(customer=kept).values("tag_id"),
    ).delete()
    mine = {c.phone: c for c in kept.contacts.exclude(phone="")}
    dropped = []
    for contact in duplicate.contacts.filter(phone__in=list(mine)):
        same = mine[contact.phone]
        fill = {
            key: getattr(contact, key)
            for key in ("email", "wechat_id")
            if not getattr(same, key) and getattr(contact, key)
        }
        if fill:
            Contact.objects.filter(pk=same.pk).update(**fill)
        dropped.append(f"{contact.name} {mask_phone(contact.phone)}")
        contact.delete()
    return dropped


def _move_followups(kept: Customer, duplicate: Customer) -> set[str]:
    """Follow-ups are unique by a key that names the customer: give the moved ones the kept
    customer's key, so that planning the kept customer again recognises them. One the kept
    customer already has is not planned twice: if still open, it is cancelled with that
    reason; a finished one keeps its old key and stays in the history.

    Returns the new keys of those still only planned and not yet announced to the
    customer: they are placed again once they belong to the kept customer."""
    from huifang.domain.cadence import Trigger, make_dedupe_key
    from huifang.followups.models import OPEN_STATUSES, FollowUp, FollowUpStatus

    known = set(FollowUp.objects.filter(customer=kept).values_list("dedupe_key", flat=True))
    again: set[str] = set()
    for followup in FollowUp.objects.filter(customer=duplicate):
        key = make_dedupe_key(
            kept.pk,
            Trigger(followup.trigger),
            followup.source_ref,
            followup.purpose,
            followup.step_index,
        )
        if key not in known:
            followup.dedupe_key = key
            known.add(key)
            if followup.status == FollowUpStatus.PLANNED and followup.announced_at is None:
                again.add(key)
        elif followup.status in OPEN_STATUSES:
            followup.status = FollowUpStatus.CANCELLED
            followup.reasons = [
                *followup.reasons,
                {"code": "duplicate", "detail": _("Customers merged: already planned")},
            ]
        followup.save(update_fields=["dedupe_key", "status", "reasons"])
    return again


def _planned_on_refused(kept: Customer) -> set[str]:
    """Keys of the kept customer's own follow-ups, only planned and not yet announced,
    on a channel it now refuses: the duplicate brought the refusal, so they are placed
    again with the moved ones (on another channel, or cancelled if none is left)."""
    from huifang.followups.models import FollowUp, FollowUpStatus

    return set(
        FollowUp.objects.filter(
            customer=kept,
            status=FollowUpStatus.PLANNED,
            announced_at__isnull=True,
            channel__in=kept.refused_channels,
        ).values_list("dedupe_key", flat=True)
    )


def _place_moved_followups(
    kept: Customer, keys: set[str], now: datetime, result: MergeResult
) -> list[str]:
    """Place the moved follow-ups again as the planner places new ones for the kept
    customer (F4 caps and gaps, F5 hours and preferred window, C5 opt-out and refused
    channels): its own open follow-ups keep their slots, the moved ones fit around them.
    Returns one line per follow-up that changed, for the audit entry."""
    from huifang.domain.cadence import Action as Placement
    from huifang.domain.contact_policy import TERMINAL
    from huifang.followups.context import load_context
    from huifang.followups.models import FollowUp, FollowUpStatus
    from huifang.followups.planner import channel_of, reasons_json
    from huifang.followups.services import followups_place_again

    if not keys:
        return []
    ctx = load_context(now)
    rows = {f.dedupe_key: f for f in FollowUp.objects.filter(customer=kept, dedupe_key__in=keys)}
    lines = []
    for planned in followups_place_again(ctx=ctx, customer_id=kept.pk, keys=keys):
        adjustment = planned.adjustment
        row = rows[adjustment.followup.dedupe_key]
        before = _when(row.scheduled_at, row.channel)
        terminal = [r.code for r in adjustment.reasons if r.code in TERMINAL]
        if adjustment.action == Placement.MERGE:
            row.status = FollowUpStatus.MERGED
            row.merged_into_key = adjustment.merged_into or ""
            row.scheduled_at = None
            why = _("Customers merged: a follow-up with the same purpose is already planned")
            result.merged += 1
        elif adjustment.action == Placement.SUPPRESS:
            # Opted out or every channel refused: never, so cancelled for good (a re-plan
            # leaves cancelled ones alone). No allowed time left: suppressed, as planned.
            row.status = FollowUpStatus.CANCELLED if terminal else FollowUpStatus.SUPPRESSED
            if terminal and terminal[0] == "opted_out":
                why = _("Customers merged: the customer opted out of follow-ups")
            elif terminal:
                why = _("Customers merged: the customer refused contact by %(channel)s") % {
                    "channel": row.get_channel_display()
                }
            else:
                why = _("Customers merged: no allowed time left within the contact limits")
                row.scheduled_at = None
            result.cancelled += 1
        else:
            at, channel = adjustment.at, str(channel_of(adjustment))
            if at == row.scheduled_at and channel == row.channel:
                continue  # already fits among the kept customer's contacts
            row.scheduled_at, row.channel = at, channel
            row.due_end = max(row.due_end, at) if at else row.due_end
            row.reminded_at = row.escalated_at = None  # remind and escalate for the new time
            why = _("Customers merged: placed again, %(before)s → %(after)s") % {
                "before": before,
                "after": _when(at, channel),
            }
            result.replaced += 1
        code = terminal[0] if terminal else "customer_merged"
        row.reasons = [
            *row.reasons,
            {"code": str(code), "detail": why},
            *reasons_json(adjustment, ctx.calendar),
        ]
        row.save(
            update_fields=["status", "merged_into_key", "scheduled_at", "channel", "due_end",
                           "reminded_at", "escalated_at", "reasons"]
        )  # fmt: skip
        lines.append(f"{row.purpose}：{why}")
    return lines


def _cancel_planned(kept: Customer, result: MergeResult) -> list[str]:
    """The kept customer's own follow-ups not yet started, cancelled for an opt-out."""
    from huifang.followups.models import FollowUp, FollowUpStatus

    why = _("Customers merged: the customer opted out of follow-ups")
    lines = []
    for row in FollowUp.objects.filter(customer=kept, status=FollowUpStatus.PLANNED):
        row.status = FollowUpStatus.CANCELLED
        row.reasons = [*row.reasons, {"code": "opted_out", "detail": why}]
        row.save(update_fields=["status", "reasons"])
        result.cancelled += 1
        lines.append(f"{row.purpose}：{why}")
    return lines


def _when(at: datetime | None, channel: str) -> str:
    label = Channel(channel).label if channel in Channel.values else channel
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M} {label}" if at else str(label)
