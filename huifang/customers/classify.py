"""Tier, flags and segments of stored customers (C4), via huifang.domain.classification.

The domain module holds the rules; this module feeds it stored facts. Other apps add the
facts they own (complaints from tickets, satisfaction scores from follow-ups) by
registering a fact source::

    from huifang.customers.classify import ExtraFacts, register_fact_source

    def complaints(customer_ids, today):
        return {customer_id: ExtraFacts(complaint_count=n) for customer_id, n in ...}

    register_fact_source(complaints)   # in the app's AppConfig.ready()
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from huifang.domain import classification as rules
from huifang.domain.classification import CustomerFacts, PurchaseFact, Segment


@dataclass(frozen=True)
class Rules:
    tiers: rules.TierThresholds = rules.DEFAULT_TIER_THRESHOLDS
    segments: rules.SegmentThresholds = rules.DEFAULT_SEGMENT_THRESHOLDS


@dataclass(frozen=True)
class Classification:
    tier: str
    flags: list[str]
    high_value: bool
    potential: bool
    churn_risk: bool

    def as_fields(self) -> dict[str, object]:
        return {
            "tier": self.tier,
            "flags": self.flags,
            "segment_high_value": self.high_value,
            "segment_potential": self.potential,
            "segment_churn_risk": self.churn_risk,
        }


def classify(facts: CustomerFacts, today: date, given: Rules) -> Classification:
    tier = rules.customer_tier(facts.purchases, today, given.tiers)
    flags = rules.customer_flags(facts, today, given.tiers)
    segments = rules.customer_segments(facts, today, given.tiers, given.segments)
    return Classification(
        tier=tier.value,
        flags=sorted(flag.value for flag in flags),
        high_value=Segment.HIGH_VALUE in segments,
        potential=Segment.POTENTIAL in segments,
        churn_risk=Segment.CHURN_RISK in segments,
    )


@dataclass(frozen=True)
class ExtraFacts:
    complaint_count: int = 0
    satisfaction_scores: tuple[float, ...] = ()  # 1–5, oldest first


FactSource = Callable[[Sequence[int], date], Mapping[int, ExtraFacts]]
_fact_sources: list[FactSource] = []


def register_fact_source(source: FactSource) -> None:
    if source not in _fact_sources:
        _fact_sources.append(source)


def unregister_fact_source(source: FactSource) -> None:
    if source in _fact_sources:
        _fact_sources.remove(source)


def extra_facts(customer_ids: Sequence[int], today: date) -> dict[int, ExtraFacts]:
    """What every registered source knows about these customers, combined."""
    combined: dict[int, ExtraFacts] = {}
    for source in _fact_sources:
        for customer_id, found in source(customer_ids, today).items():
            known = combined.get(customer_id, ExtraFacts())
            combined[customer_id] = ExtraFacts(
                complaint_count=known.complaint_count + found.complaint_count,
                satisfaction_scores=known.satisfaction_scores + tuple(found.satisfaction_scores),
            )
    return combined


def customer_facts(
    purchases: Sequence[PurchaseFact], extra: ExtraFacts | None, has_complained: bool
) -> CustomerFacts:
    """``has_complained``: Customer.last_complaint_at is set (kept by the ticket side), which
    counts as one complaint when no source reports any."""
    extra = extra or ExtraFacts()
    complaints = max(extra.complaint_count, 1 if has_complained else 0)
    return CustomerFacts(
        purchases=purchases,
        complaint_count=complaints,
        satisfaction_scores=extra.satisfaction_scores,
    )
