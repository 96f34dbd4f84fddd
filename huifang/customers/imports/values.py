"""Turn spreadsheet cells into values, or say in plain words what is wrong with them."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from huifang.customers.imports.reader import text_of
from huifang.customers.models import Channel

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)
MAX_AMOUNT = Decimal("999999999999.99")


class CellError(ValueError):
    """A cell's value cannot be used; the message says why and what to write instead."""


def plain(cell: Any) -> str:
    """The cell as text with full-width digits, letters and punctuation made ordinary."""
    return unicodedata.normalize("NFKC", text_of(cell)).strip()


_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_DMY_OR_MDY = re.compile(r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def _serial(number: float) -> date:
    day = EXCEL_EPOCH + timedelta(days=int(number))
    if not EARLIEST <= day <= LATEST:
        raise CellError(
            _("%(value)s is not a date between 1950 and 2100.") % {"value": text_of(number)}
        )
    return day


def parse_date(cell: Any) -> date | None:
    """2026-11-26, 2026/11/26, 2026.11.26, 2026年11月26日, 20261126, date cells and
    Excel serial numbers (46352) all give 2026-11-26."""
    if isinstance(cell, datetime):
        return _in_range(cell.date(), text_of(cell))
    if isinstance(cell, date):
        return _in_range(cell, text_of(cell))
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return _serial(cell)
    text = plain(cell)
    if not text:
        return None
    found = _YMD.fullmatch(text) or _COMPACT.fullmatch(text)
    if found:
        year, month, day = (int(part) for part in found.groups())
        try:
            return _in_range(date(year, month, day), text)
        except ValueError:
            raise CellError(
                _("“%(value)s” is not a date in the calendar; check the month and the day.")
                % {"value": text}
            ) from None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):
        return _serial(float(text))
    if _DMY_OR_MDY.fullmatch(text):
        raise CellError(
            _("In “%(value)s” the order of day, month and year is unclear; write 2026-11-26.")
            % {"value": text}
        )
    raise CellError(
        _("“%(value)s” is not a date; write 2026-11-26, 2026/11/26 or 2026年11月26日.")
        % {"value": text}
    )


def _in_range(day: date, text: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise CellError(_("%(value)s is not a date between 1950 and 2100.") % {"value": text})
    return day


_MONEY_NOISE = re.compile(r"[¥,\s]|元|rmb|cny|人民币", re.IGNORECASE)


def parse_amount(cell: Any) -> Decimal | None:
    """12800, 12,800.00, ¥12,800, 12800元, 1.28万 → Decimal('12800.00')."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        value = Decimal(repr(cell))
    else:
        text = _MONEY_NOISE.sub("", plain(cell))
        if not text:
            return None
        factor = Decimal(1)
        if text.endswith("万"):
            factor, text = Decimal(10000), text[:-1]
        try:
            value = Decimal(text) * factor
        except InvalidOperation:
            raise CellError(
                _("“%(value)s” is not an amount; write a number such as 12800 or 12,800.00.")
                % {"value": plain(cell)}
            ) from None
    if not value.is_finite() or value < 0:
        raise CellError(_("An amount cannot be negative (%(value)s).") % {"value": plain(cell)})
    if value > MAX_AMOUNT:
        raise CellError(_("%(value)s is too large for an amount.") % {"value": plain(cell)})
    return value.quantize(Decimal("0.01"))


def parse_quantity(cell: Any) -> int | None:
    """3, 3.0, 3台, 3 件 → 3."""
    text = plain(cell)
    if not text:
        return None
    found = re.fullmatch(r"(\d+)(?:\.0+)?\s*[^\d.]{0,3}", text)
    if not found or int(found.group(1)) < 1:
        raise CellError(
            _("“%(value)s” is not a quantity; write a whole number such as 2.") % {"value": text}
        )
    return int(found.group(1))


YES = {"是", "y", "yes", "true", "1", "√", "✓", "对", "免打扰", "拒绝"}
NO = {"否", "n", "no", "false", "0", "×", "✗", "x", "不", "正常"}


def parse_yes_no(cell: Any) -> bool | None:
    if isinstance(cell, bool):
        return cell
    text = plain(cell).lower()
    if not text:
        return None
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError(_("“%(value)s” is neither 是 nor 否.") % {"value": plain(cell)})


CHANNEL_WORDS = {
    Channel.PHONE: ("电话", "手机", "致电", "phone", "call", "tel"),
    Channel.SMS: ("短信", "sms", "text"),
    Channel.EMAIL: ("邮件", "邮箱", "电子邮件", "email", "e-mail", "mail"),
    Channel.WECHAT: ("微信", "企业微信", "wechat", "weixin", "wecom"),
}
_CHANNELS = {word: channel for channel, words in CHANNEL_WORDS.items() for word in words}


def parse_channel(cell: Any) -> str:
    text = plain(cell).lower()
    if not text:
        return ""
    if text in _CHANNELS:
        return str(_CHANNELS[text])
    raise CellError(
        _("“%(value)s” is not a channel; write 电话, 短信, 邮件 or 微信.") % {"value": plain(cell)}
    )


NAMED_WINDOWS = {
    "上午": (time(9), time(12)),
    "下午": (time(14), time(18)),
    "晚上": (time(18), time(21)),
    "工作时间": (time(9), time(18)),
}
_WINDOW = re.compile(r"(\d{1,2})(?:[:点](\d{2})?)?\s*[-~～至到]\s*(\d{1,2})(?:[:点](\d{2})?)?")


def parse_window(cell: Any) -> tuple[time, time] | None:
    """09:00-11:30, 9点-11点, 14:00～17:00, 上午, 下午 → (start, end)."""
    text = plain(cell).replace("：", ":")
    if not text:
        return None
    if text in NAMED_WINDOWS:
        return NAMED_WINDOWS[text]
    found = _WINDOW.fullmatch(text)
    if found:
        h1, m1, h2, m2 = found.groups()
        try:
            start, end = time(int(h1), int(m1 or 0)), time(int(h2), int(m2 or 0))
        except ValueError:
            start = end = time(0)
        if start < end:
            return start, end
    raise CellError(
        _("“%(value)s” is not a contact time; write it as 09:00-11:30 (or 上午 / 下午).")
        % {"value": text}
    )


def parse_email(cell: Any) -> str:
    text = plain(cell).lower()
    if not text:
        return ""
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z0-9-]{2,}", text):
        raise CellError(
            _("“%(value)s” is not an e-mail address such as name@example.cn.") % {"value": text}
        )
    return text


def parse_text(cell: Any, max_length: int, label: str) -> str:
    text = text_of(cell)
    if len(text) > max_length:
        raise CellError(
            _("%(label)s is longer than %(max)d characters.") % {"label": label, "max": max_length}
        )
    return text
