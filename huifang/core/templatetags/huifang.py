from __future__ import annotations

from datetime import timedelta

from django import template

from huifang.core.context_processors import fixed_url

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up so a lockout never looks shorter than it is."""
    if value is None:
        return 0
    return max(1, -(-int(value.total_seconds()) // 60))


@register.simple_tag
def nav_url(name: str) -> str:
    """``{% url name %}`` for addresses without arguments, reversed once per process."""
    return fixed_url(name)
