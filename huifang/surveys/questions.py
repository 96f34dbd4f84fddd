"""Questions of a questionnaire and the answers to them, as plain data.

A questionnaire version stores its questions as a list of dicts (``Question.as_dict``);
this module reads them back, checks a builder's edits, decides which questions are shown
given the answers so far (a question may be shown only after a given answer to an
earlier one), and turns what a person typed into the value stored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Kind:
    CSAT = "csat"  # rating 1–5
    RATING10 = "rating10"  # rating 1–10
    NPS = "nps"  # 0–10, "how likely are you to recommend…"
    SINGLE = "single"
    MULTIPLE = "multiple"
    YESNO = "yesno"
    TEXT = "text"


KIND_LABELS = {
    Kind.CSAT: gettext_lazy("Rating 1–5 (CSAT)"),
    Kind.RATING10: gettext_lazy("Rating 1–10"),
    Kind.NPS: gettext_lazy("NPS 0–10"),
    Kind.SINGLE: gettext_lazy("Single choice"),
    Kind.MULTIPLE: gettext_lazy("Multiple choice"),
    Kind.YESNO: gettext_lazy("Yes / no"),
    Kind.TEXT: gettext_lazy("Open text"),
}
SCALES = {Kind.CSAT: (1, 5), Kind.RATING10: (1, 10), Kind.NPS: (0, 10)}
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
TEXT_LIMIT = 2000


class SurveyError(ValueError):
    """A questionnaire or an answer that cannot be accepted; the message is for people."""


class AnswersInvalid(SurveyError):
    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


@dataclass(frozen=True)
class Question:
    key: str
    kind: str
    text: str
    options: tuple[str, ...] = ()
    required: bool = True
    # Shown only when the answer to question ``show_if`` is one of ``show_values``.
    show_if: str = ""
    show_values: tuple[str, ...] = ()

    @property
    def scale(self) -> tuple[int, int] | None:
        return SCALES.get(self.kind)

    def choices(self) -> list[tuple[str, str]]:
        if self.scale:
            low, high = self.scale
            return [(str(n), str(n)) for n in range(low, high + 1)]
        if self.kind == Kind.YESNO:
            return [("yes", _("Yes")), ("no", _("No"))]
        return [(option, option) for option in self.options]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "text": self.text,
            "options": list(self.options),
            "required": self.required,
            "show_if": self.show_if,
            "show_values": list(self.show_values),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Question:
        return cls(
            key=str(data["key"]),
            kind=str(data["kind"]),
            text=str(data["text"]),
            options=tuple(str(o) for o in data.get("options") or ()),
            required=bool(data.get("required", True)),
            show_if=str(data.get("show_if") or ""),
            show_values=tuple(str(v) for v in data.get("show_values") or ()),
        )


def parse(data: Sequence[Mapping[str, Any]]) -> tuple[Question, ...]:
    """Questions from stored dicts, checked as a whole; SurveyError says what is wrong."""
    questions: list[Question] = []
    seen: dict[str, Question] = {}
    for number, item in enumerate(data, start=1):
        try:
            question = Question.from_dict(item)
        except (KeyError, TypeError):
            raise SurveyError(_("Question %(n)s is incomplete.") % {"n": number}) from None
        check_question(question, seen)
        seen[question.key] = question
        questions.append(question)
    return tuple(questions)


def check_question(question: Question, earlier: Mapping[str, Question]) -> None:
    if not question.key or not question.key.replace("_", "").isalnum():
        raise SurveyError(_("A question needs a short key of letters, digits and _."))
    if question.key in earlier:
        raise SurveyError(_("Two questions share the key %(key)s.") % {"key": question.key})
    if question.kind not in KIND_LABELS:
        raise SurveyError(_("Unknown question type %(kind)s.") % {"kind": question.kind})
    if not question.text.strip():
        raise SurveyError(_("Every question needs its text."))
    if question.kind in CHOICE_KINDS:
        if len(question.options) < 2:
            raise SurveyError(_("“%(text)s” needs at least two options.") % {"text": question.text})
        if len(set(question.options)) != len(question.options):
            raise SurveyError(_("“%(text)s” lists an option twice.") % {"text": question.text})
    if question.show_if:
        parent = earlier.get(question.show_if)
        if parent is None:
            raise SurveyError(
                _("“%(text)s” can only depend on an earlier question.") % {"text": question.text}
            )
        allowed = {value for value, _label in parent.choices()}
        if not question.show_values or not set(question.show_values) <= allowed:
            raise SurveyError(
                _("“%(text)s” must be shown after answers that “%(parent)s” offers.")
                % {"text": question.text, "parent": parent.text}
            )


def _matches(value: Any, wanted: tuple[str, ...]) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(str(v) in wanted for v in values if v is not None)


def visible(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Question]:
    """The questions shown, given cleaned answers (a hidden parent hides its children)."""
    shown: list[Question] = []
    shown_keys: set[str] = set()
    for question in questions:
        if question.show_if:
            if question.show_if not in shown_keys:
                continue
            if not _matches(answers.get(question.show_if), question.show_values):
                continue
        shown.append(question)
        shown_keys.add(question.key)
    return shown


def clean(question: Question, raw: Any) -> Any:
    """The stored value for what was typed or picked; None when left empty."""
    if isinstance(raw, list | tuple) and question.kind != Kind.MULTIPLE:
        raw = raw[-1] if raw else ""
    if question.scale:
        text = str(raw).strip()
        if text == "":
            return None
        low, high = question.scale
        if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
            raise SurveyError(
                _("Pick a score from %(low)s to %(high)s.") % {"low": low, "high": high}
            )
        return int(text)
    if question.kind == Kind.YESNO:
        text = str(raw).strip().lower()
        if text == "":
            return None
        if text not in ("yes", "no"):
            raise SurveyError(_("Answer yes or no."))
        return text
    if question.kind == Kind.SINGLE:
        text = str(raw).strip()
        if text == "":
            return None
        if text not in question.options:
            raise SurveyError(_("Pick one of the options offered."))
        return text
    if question.kind == Kind.MULTIPLE:
        picked = [str(v).strip() for v in (raw if isinstance(raw, list | tuple) else [raw])]
        picked = [v for v in picked if v]
        if not picked:
            return None
        if not set(picked) <= set(question.options):
            raise SurveyError(_("Pick among the options offered."))
        return [o for o in question.options if o in picked]
    text = str(raw).strip()
    if len(text) > TEXT_LIMIT:
        raise SurveyError(_("Please keep it under %(n)s characters.") % {"n": TEXT_LIMIT})
    return text or None


def clean_all(questions: Sequence[Question], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Clean every shown question's answer; AnswersInvalid maps keys to messages.

    Answers to questions that end up hidden are dropped: what the customer did not see
    is not stored as their answer.
    """
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    by_key = {q.key: q for q in questions}
    for question in questions:
        if question.key in raw:
            try:
                cleaned[question.key] = clean(question, raw[question.key])
            except SurveyError as error:
                errors[question.key] = str(error)
    shown = visible(questions, cleaned)
    result = {q.key: cleaned.get(q.key) for q in shown if cleaned.get(q.key) is not None}
    for question in shown:
        if question.required and question.key not in result and question.key not in errors:
            errors[question.key] = _("Please answer this question.")
    errors = {k: v for k, v in errors.items() if by_key[k] in shown}
    if errors:
        raise AnswersInvalid(errors)
    return result


def display(question: Question, value: Any) -> str:
    """An answer as people read it."""
    if value is None:
        return ""
    if question.kind == Kind.YESNO:
        return str(_("Yes") if value == "yes" else _("No"))
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)
