"""Who changed what, and when (spec P2). Shared by customers, tickets and rules."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Labels for entries that describe something other than a model field.
FIELD_LABELS: dict[str, Any] = {
    "contacts": _("contacts"),
    "tags": _("tags"),
    "merged_from": _("merged from"),
    "row": _("import row"),
    "orders": _("orders"),
    "customers": _("customers"),
    "followups": _("follow-ups"),
}


class Action(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    MERGE = "merge", _("Merged")
    IMPORT = "import", _("Imported")
    EXPORT = "export", _("Exported")
    RECLASSIFY = "reclassify", _("Reclassified")


class AuditEntry(models.Model):
    """One change to one object. Rows are only ever added, never edited.

    ``changes`` maps a field name to ``[before, after]`` (JSON values; dates as ISO
    strings), so a reader can show "tier: normal → VIP" without the old model version.
    """

    # No index of its own: ids grow with time, and the trail is read newest first by id.
    at = models.DateTimeField(_("when"), default=timezone.now)
    # Neither reference is a database constraint: the trail outlives what it names (Django
    # still clears the actor of a deleted user and protects content types), and an import
    # of a hundred thousand customers would otherwise check both on every entry.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # audit_actor_idx (actor, id)
        db_constraint=False,
    )
    # Kept as text as well: the entry must still say who it was after the user is deleted.
    actor_name = models.CharField(_("who (name)"), max_length=80, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # audit_target_idx (target_type, target_id, id)
        db_constraint=False,
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    target_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["target_type", "target_id", "id"], name="audit_target_idx"),
            models.Index(fields=["actor", "id"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target_repr}"

    @property
    def who(self) -> str:
        return self.actor_name or str(_("System"))

    def readable_changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) rows, labelled by the model's own field names."""
        model = self.target_type.model_class() if self.target_type_id else None
        rows = []
        for name, pair in (self.changes or {}).items():
            before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
            label: Any = FIELD_LABELS.get(name, name)
            if model is not None:
                with suppress(FieldDoesNotExist):
                    label = getattr(model._meta.get_field(name), "verbose_name", label)
            rows.append((str(label), before, after))
        return rows
