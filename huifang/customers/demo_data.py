"""Deterministic, realistic demo data: the same seed and day always give the same archive.

Generates plain rows (tuples) so the seeding command can write a million customers in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂英华玉兰萍红鹏辉建国志文斌宇浩凯晨欣怡子轩梓涵"
    "雨萱博文思远佳琪一鸣晓东海燕雪梅嘉怡俊杰宏伟亮丹婷颖慧鑫楠琳瑶倩"
)
REGIONS: dict[str, tuple[str, ...]] = {
    "广东": ("广州", "深圳", "东莞", "佛山"),
    "浙江": ("杭州", "宁波", "温州"),
    "江苏": ("南京", "苏州", "无锡"),
    "上海": ("上海",),
    "北京": ("北京",),
    "四川": ("成都", "绵阳"),
    "湖北": ("武汉", "宜昌"),
    "山东": ("济南", "青岛", "烟台"),
    "福建": ("厦门", "福州", "泉州"),
    "河南": ("郑州", "洛阳"),
    "湖南": ("长沙", "株洲"),
    "陕西": ("西安",),
}
INDUSTRIES = ("制造业", "零售", "电商", "医疗", "教育", "餐饮", "物流", "建筑", "能源", "酒店")
COMPANY_WORDS = (
    "华盛",
    "恒信",
    "宏达",
    "金泰",
    "瑞丰",
    "鼎新",
    "嘉禾",
    "远航",
    "同创",
    "永安",
    "明德",
    "鑫源",
)
COMPANY_SUFFIX = {
    "制造业": "机械制造有限公司",
    "零售": "商贸有限公司",
    "电商": "电子商务有限公司",
    "医疗": "医疗器械有限公司",
    "教育": "教育科技有限公司",
    "餐饮": "餐饮管理有限公司",
    "物流": "物流有限公司",
    "建筑": "建设工程有限公司",
    "能源": "能源科技有限公司",
    "酒店": "酒店管理有限公司",
}
# Mainland mobile prefixes in use (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = tuple(
    str(prefix)
    for prefix in (*range(130, 140), 150, 151, 152, 153, *range(155, 160), 166, 173, 177)
) + tuple(str(prefix) for prefix in (*range(180, 190), 191, 198, 199))


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    name: str
    model: str
    line: str
    unit_price: Decimal
    repurchase_cycle_days: int | None = None


# Three price classes of spec C3: > ¥10,000, ¥1,000–10,000, < ¥1,000.
PRODUCTS = (
    DemoProduct("HV-001", "工业空压机", "KY-75", "动力设备", Decimal("38000")),
    DemoProduct("HV-002", "数控加工中心", "VMC-850", "机床", Decimal("268000")),
    DemoProduct("HV-003", "中央空调机组", "CA-12", "暖通", Decimal("86000")),
    DemoProduct("HV-004", "商用净水系统", "RO-2000", "净水", Decimal("15800")),
    DemoProduct("HV-005", "激光打印一体机", "LP-9000", "办公设备", Decimal("12800")),
    DemoProduct("MC-001", "净水滤芯套装", "RO-F4", "净水", Decimal("1280"), 90),
    DemoProduct("MC-002", "打印耗材套装", "LP-T8", "办公设备", Decimal("2400"), 60),
    DemoProduct("MC-003", "空压机保养包", "KY-M1", "动力设备", Decimal("3600"), 180),
    DemoProduct("MC-004", "空调清洗服务包", "CA-S1", "暖通", Decimal("4800"), 180),
    DemoProduct("LF-001", "清洁消毒剂", "CL-5L", "清洁用品", Decimal("89"), 30),
    DemoProduct("LF-002", "通用配件包", "PK-10", "配件", Decimal("260")),
    DemoProduct("LF-003", "工业润滑脂", "LB-1", "动力设备", Decimal("168"), 45),
)


def mobile_number(index: int) -> str:
    """A valid, unique mainland mobile number (E.164) for each index below 10^8."""
    prefix = MOBILE_PREFIXES[index % len(MOBILE_PREFIXES)]
    # Multiplying by a number coprime with 10^8 permutes the suffixes: no two indexes collide.
    suffix = (index * 48_271 + 12_345_679) % 100_000_000
    return f"+86{prefix}{suffix:08d}"


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN_CHARS) + (rng.choice(GIVEN_CHARS) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


@dataclass(frozen=True)
class DemoPurchase:
    product_index: int
    quantity: int
    purchased_on: date
    delivered_on: date | None
    first_used_on: date | None
    contract_end_on: date | None


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    company: str
    region: str
    city: str
    industry: str
    phone: str
    email: str
    wechat_id: str
    purchases: tuple[DemoPurchase, ...]


def _purchases(rng: random.Random, today: date) -> tuple[DemoPurchase, ...]:
    big_buyer = rng.random() < 0.08  # a few enterprises buy many high-value units
    count = rng.randint(1, 6 if big_buyer else 3)
    result = []
    for _ in range(count):
        if big_buyer:
            product_index = rng.randrange(0, 5)
            quantity = rng.randint(2, 12)
        else:
            product_index = rng.randrange(len(PRODUCTS))
            quantity = rng.randint(1, 3)
        purchased_on = today - timedelta(days=rng.randint(0, 730))
        delivered = purchased_on + timedelta(days=rng.randint(1, 7))
        delivered_on = delivered if delivered <= today else None
        first_used = delivered + timedelta(days=rng.randint(0, 10)) if delivered_on else None
        first_used_on = first_used if first_used and first_used <= today else None
        durable = product_index < 5
        contract_end_on = (
            purchased_on + timedelta(days=365 * rng.choice((1, 2, 3))) if durable else None
        )
        result.append(
            DemoPurchase(
                product_index, quantity, purchased_on, delivered_on, first_used_on, contract_end_on
            )
        )
    return tuple(result)


def customer(index: int, *, seed: int, today: date) -> DemoCustomer:
    """The demo customer number `index`; depends only on (index, seed, today)."""
    rng = random.Random(seed * 1_000_003 + index)
    region = list(REGIONS)[rng.randrange(len(REGIONS))]
    city = rng.choice(REGIONS[region])
    industry = rng.choice(INDUSTRIES)
    company = f"{city}{rng.choice(COMPANY_WORDS)}{COMPANY_SUFFIX[industry]}"
    name = person_name(rng)
    return DemoCustomer(
        name=name,
        company=company,
        region=region,
        city=city,
        industry=industry,
        phone=mobile_number(index),
        email=f"c{index}@example.cn" if rng.random() < 0.6 else "",
        wechat_id=f"wx_{index:07d}" if rng.random() < 0.5 else "",
        purchases=_purchases(rng, today),
    )


def customers(start: int, count: int, *, seed: int, today: date) -> Iterator[DemoCustomer]:
    for index in range(start, start + count):
        yield customer(index, seed=seed, today=today)


def amount(product: DemoProduct, quantity: int) -> Decimal:
    return product.unit_price * quantity


def products() -> Sequence[DemoProduct]:
    return PRODUCTS
