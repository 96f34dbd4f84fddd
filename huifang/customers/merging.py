"""Writes: merging a duplicate customer into the customer kept (C7), by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huifang.accounts.models import User
from huifang.audit.models import Action
from huifang.audit.services import audit_record, jsonable
from huifang.customers.models import Contact, Customer, CustomerTag, MergedCustomer
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


@transaction.atomic
def customer_merge(*, actor: User | None, kept: Customer, duplicate: Customer) -> MergeResult:
    """Move everything of ``duplicate`` to ``kept``, fill ``kept``'s blanks from it, remove
    it (see MergedCustomer for why) and record it all as one audit entry, all or nothing."""
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
    _move_followups(kept, duplicate)
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
    if dropped:
        changes["contacts"] = [dropped, None]
    summary = "、".join(f"{label} {count}" for label, count in result.moved.items())
    audit_record(
        actor=actor,
        action=Action.MERGE,
        target=kept,
        changes=changes,
        note=_("Customer no. %(id)d merged into this one; moved: %(moved)s")
        % {"id": result.merged_id, "moved": summary or "—"},
    )
    customers_reclassify(today=timezone.localdate(), actor=actor, customer_ids=[kept.pk])
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


def _move_followups(kept: Customer, duplicate: Customer) -> None:
    """Follow-ups are unique by a key that names the customer: give the moved ones the kept
    customer's key, so that planning the kept customer again recognises them. One the kept
    customer already has is not planned twice: if still open, it is cancelled with that
    reason; a finished one keeps its old key and stays in the history."""
    from huifang.domain.cadence import Trigger, make_dedupe_key
    from huifang.followups.models import OPEN_STATUSES, FollowUp, FollowUpStatus

    known = set(FollowUp.objects.filter(customer=kept).values_list("dedupe_key", flat=True))
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
        elif followup.status in OPEN_STATUSES:
            followup.status = FollowUpStatus.CANCELLED
            followup.reasons = [
                *followup.reasons,
                {"code": "duplicate", "detail": _("Customers merged: already planned")},
            ]
        followup.save(update_fields=["dedupe_key", "status", "reasons"])
