from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from huifang.accounts.models import Department, Role, User
from huifang.customers.models import Customer
from huifang.tickets import services
from huifang.tickets.models import Ticket
from tests.conftest import Org, make_user
from tests.followups.conftest import make_customer, sh

__all__ = ["Desk", "make_customer", "sh"]


@dataclass
class Desk:
    """The org plus the departments tickets are routed to, each with people in it."""

    org: Org
    product: Department
    quality: Department
    tech_head: User
    technician2: User
    product_manager: User
    make_customer: Any

    def open(
        self,
        customer: Customer,
        *,
        category: str = "quality_fault",
        severity: str = "major",
        now: datetime,
        description: str = "设备开机后无法启动，指示灯不亮",
        actor: User | None = None,
    ) -> Ticket:
        data = services.NewTicket(
            customer_id=customer.pk, category=category, severity=severity,
            description=description,
        )  # fmt: skip
        return services.ticket_create(data=data, actor=actor or self.org.agent, now=now)


@pytest.fixture
def desk(org: Org, make_customer: Any) -> Desk:
    org.east.supervisor = org.supervisor
    org.east.save()
    product = Department.objects.create(name="产品部", code="product")
    quality = Department.objects.create(name="服务质量部", code="quality", head=org.supervisor)
    tech_head = make_user(
        username="jishu_head", role=Role.SUPERVISOR, full_name="钱经理", department=None
    )
    org.tech.head = tech_head
    org.tech.save()
    technician2 = make_user(
        username="jishu2", role=Role.TECHNICIAN, full_name="孙工", department=org.tech
    )
    product_manager = make_user(
        username="chanpin", role=Role.TECHNICIAN, full_name="李经理", department=product
    )
    return Desk(org, product, quality, tech_head, technician2, product_manager, make_customer)
