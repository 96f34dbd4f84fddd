"""Reads of questionnaires, scripts and answers."""

from __future__ import annotations

from django.db.models import QuerySet

from huifang.surveys.defaults import ALIASES, ROUTINE_CARE
from huifang.surveys.models import Questionnaire, QuestionnaireVersion, Response, Script


def _resolved(code: str, known: set[str]) -> str:
    if code in known:
        return code
    alias = ALIASES.get(code, ROUTINE_CARE)
    return alias if alias in known else ROUTINE_CARE


def questionnaire_version_for(code: str) -> QuestionnaireVersion:
    """The latest version of the questionnaire a cadence code names (routine care if unknown)."""
    known = set(
        QuestionnaireVersion.objects.values_list("questionnaire__code", flat=True).distinct()
    )
    chosen = _resolved(code, known)
    version = (
        QuestionnaireVersion.objects.filter(questionnaire__code=chosen)
        .select_related("questionnaire")
        .order_by("-number")
        .first()
    )
    if version is None:
        raise Questionnaire.DoesNotExist(f"no published questionnaire {chosen!r}")
    return version


def script_for(code: str) -> Script | None:
    known = set(Script.objects.values_list("code", flat=True))
    return Script.objects.filter(code=_resolved(code, known)).first()


def recent_responses(customer_id: int, limit: int = 5) -> QuerySet[Response]:
    return (
        Response.objects.filter(customer_id=customer_id, submitted_at__isnull=False)
        .select_related("version__questionnaire")
        .prefetch_related("answers")
        .order_by("-submitted_at")[:limit]
    )
