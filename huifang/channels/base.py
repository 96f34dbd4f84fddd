"""What every adapter receives and returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outgoing:
    """The parts of an OutboundMessage an adapter needs; nothing of the database."""

    to: str
    body: str
    subject: str = ""
    template: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    ok: bool
    provider_id: str = ""
    error: str = ""
    # False when trying again cannot help (a rejected number, bad credentials).
    retry: bool = True


def failed(error: str, *, retry: bool = True) -> Result:
    return Result(ok=False, error=error[:2000], retry=retry)
