"""What a column of an import file can be, and which column is probably which."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class ImportField:
    key: str
    label: str | Promise
    aliases: tuple[str, ...]
    purchase: bool = False  # belongs to the order the row may carry


FIELDS = (
    ImportField(
        "name",
        _("Customer name"),
        (
            "客户姓名",
            "姓名",
            "客户名称",
            "客户名",
            "客户",
            "联系人",
            "联系人姓名",
            "name",
            "customer",
            "customername",
            "contact",
            "contactname",
            "fullname",
        ),
    ),
    ImportField(
        "company",
        _("Company"),
        (
            "公司",
            "公司名称",
            "单位",
            "单位名称",
            "企业",
            "企业名称",
            "客户单位",
            "所属公司",
            "company",
            "companyname",
            "organization",
            "organisation",
        ),
    ),
    ImportField(
        "phone",
        _("Mobile or phone"),
        (
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "联系电话",
            "电话号码",
            "移动电话",
            "联系方式",
            "phone",
            "mobile",
            "tel",
            "telephone",
            "phonenumber",
            "mobilephone",
        ),
    ),
    ImportField("email", _("Email"), ("邮箱", "电子邮箱", "邮件", "email", "e-mail", "mail")),
    ImportField("wechat_id", _("WeChat ID"), ("微信", "微信号", "wechat", "wechatid", "weixin")),
    ImportField(
        "region",
        _("Region (province)"),
        ("省份", "省", "地区", "区域", "所在地区", "region", "province"),
    ),
    ImportField("city", _("City"), ("城市", "市", "所在城市", "city")),
    ImportField("industry", _("Industry"), ("行业", "所属行业", "industry")),
    ImportField(
        "owner",
        _("Owner agent"),
        ("负责人", "客户经理", "回访专员", "专员", "归属人", "owner", "agent", "accountmanager"),
    ),
    ImportField("tags", _("Tags"), ("标签", "客户标签", "tags", "tag", "labels")),
    ImportField(
        "preferred_channel",
        _("Preferred channel"),
        ("首选渠道", "偏好渠道", "联系渠道", "回访渠道", "preferredchannel", "channel"),
    ),
    ImportField(
        "preferred_window",
        _("Preferred contact time"),
        ("联系时间", "方便联系时间", "偏好时间", "回访时间", "contacttime", "preferredtime"),
    ),
    ImportField(
        "opted_out",
        _("Do not follow up (opt-out)"),
        ("免打扰", "拒绝回访", "勿扰", "optout", "opt-out", "donotcontact"),
    ),
    ImportField(
        "order_no",
        _("Order number"),
        ("订单号", "订单编号", "单号", "合同号", "order", "orderno", "ordernumber"),
        purchase=True,
    ),
    ImportField(
        "product",
        _("Product (SKU or name)"),
        (
            "产品",
            "产品名称",
            "产品编码",
            "物料编码",
            "商品",
            "商品名称",
            "sku",
            "product",
            "productcode",
            "productname",
        ),
        purchase=True,
    ),
    ImportField("quantity", _("Quantity"), ("数量", "购买数量", "qty", "quantity"), purchase=True),
    ImportField(
        "amount",
        _("Amount (CNY)"),
        (
            "金额",
            "订单金额",
            "成交金额",
            "合同金额",
            "总价",
            "总金额",
            "amount",
            "total",
            "orderamount",
        ),
        purchase=True,
    ),
    ImportField(
        "purchased_on",
        _("Purchase date"),
        ("购买日期", "下单日期", "订单日期", "成交日期", "签约日期", "purchasedate", "orderdate"),
        purchase=True,
    ),
    ImportField(
        "delivered_on",
        _("Delivery date"),
        ("交付日期", "发货日期", "到货日期", "交货日期", "签收日期", "deliverydate", "delivered"),
        purchase=True,
    ),
    ImportField(
        "first_used_on",
        _("First-use date"),
        (
            "首次使用日期",
            "启用日期",
            "开通日期",
            "安装日期",
            "首用日期",
            "firstuse",
            "firstusedate",
        ),
        purchase=True,
    ),
    ImportField(
        "contract_end_on",
        _("Warranty/contract end"),
        (
            "合同到期日",
            "合同到期日期",
            "保修到期",
            "保修截止日期",
            "续约日期",
            "到期日期",
            "contractend",
            "warrantyend",
            "renewaldate",
        ),
        purchase=True,
    ),
)
BY_KEY = {field.key: field for field in FIELDS}
PURCHASE_KEYS = frozenset(field.key for field in FIELDS if field.purchase)

_NOISE = re.compile(r"[（(][^）)]*[）)]|[\s*_:：#.。\-]")


def normalize_heading(text: str) -> str:
    """客户手机号（必填）* → 客户手机号; "Phone Number" → phonenumber."""
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()


_ALIASES = {normalize_heading(alias): field.key for field in FIELDS for alias in field.aliases}
# Longest first, so that 联系人手机 ends with 手机 (phone) rather than matching 联系人.
_BY_LENGTH = sorted(_ALIASES, key=len, reverse=True)


def field_for_heading(heading: str, *, loose: bool = True) -> str | None:
    """The field a heading most likely names: exact alias, else the alias it ends with
    (Chinese puts the noun last: 客户手机号 is a phone), else (``loose``) one it contains."""
    text = normalize_heading(heading)
    if not text:
        return None
    if text in _ALIASES:
        return _ALIASES[text]
    for alias in _BY_LENGTH:
        if len(alias) >= 2 and text.endswith(alias):
            return _ALIASES[alias]
    if loose:
        for alias in _BY_LENGTH:
            if len(alias) >= 2 and alias in text:
                return _ALIASES[alias]
    return None


def heading_parts(heading: str) -> list[str]:
    """A two-level heading 联系人/手机 is tried as 手机 first, then as a whole."""
    parts = heading.split("/")
    return [parts[-1], heading, *parts[:-1]] if len(parts) > 1 else [heading]


def suggest_mapping(headings: Sequence[str], remembered: Mapping[str, str]) -> dict[str, str]:
    """{column index as text: field key}: what this source used last time, else a guess.
    Each field is suggested for one column only, the first that fits."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for index, heading in enumerate(headings):
        key = remembered.get(normalize_heading(heading))
        if key is None:
            for part in heading_parts(heading):
                key = field_for_heading(part)
                if key:
                    break
        if key and key in BY_KEY and key not in taken:
            mapping[str(index)] = key
            taken.add(key)
    return mapping


def heading_score(cells: Sequence[str]) -> int:
    """How many cells read like headings we know (strictly: a title such as
    “2026年客户名单” must not look like a heading row)."""
    return sum(1 for cell in cells if cell and field_for_heading(cell, loose=False))
