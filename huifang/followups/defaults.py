"""Default cadence rules (spec F1–F3) and the contact policy, as database rows."""

from __future__ import annotations

from typing import Any

from huifang.domain.cadence import DEFAULT_RULES, CadenceRule


def rule_fields(rule: CadenceRule) -> dict[str, Any]:
    conditions = rule.conditions
    return {
        "name": rule.name,
        "trigger": str(rule.trigger),
        "tiers": sorted(conditions.tiers),
        "product_classes": sorted(conditions.product_classes),
        "problem_natures": sorted(conditions.problem_natures),
        "severities": sorted(conditions.severities),
        "industries": sorted(conditions.industries),
        "segments": sorted(conditions.segments),
        "priority": rule.priority,
        "repeat_every_days": rule.repeat_every.amount if rule.repeat_every else None,
        "active": rule.active,
    }


def step_fields(rule: CadenceRule) -> list[dict[str, Any]]:
    return [
        {
            "position": position,
            "offset_amount": step.offset.amount,
            "offset_unit": str(step.offset.unit),
            "window_amount": step.window.amount,
            "window_unit": str(step.window.unit),
            "channel": str(step.channel),
            "purpose": step.purpose,
            "script": step.script,
            "questionnaire": step.questionnaire,
            "importance": step.importance,
            "routine": step.routine,
            "announce_day_before": step.announce_day_before,
        }
        for position, step in enumerate(rule.steps)
    ]


def install_default_rules(rule_model: Any, step_model: Any) -> int:
    """Create the shipped rules that do not exist yet (by code); edited rules stay as they are.

    Takes the model classes so a data migration can pass its historical models.
    """
    created = 0
    for rule in DEFAULT_RULES:
        row, was_created = rule_model.objects.get_or_create(
            code=rule.code, defaults=rule_fields(rule)
        )
        if was_created:
            step_model.objects.bulk_create(
                [step_model(rule=row, **fields) for fields in step_fields(rule)]
            )
            created += 1
    return created
