"""Script placeholders ({客户姓名}, {产品}, {专员姓名}) filled in safely.

Both the script text and the values are escaped; only the placeholders we know are
replaced, and each filled value is wrapped in <mark> so the agent sees what was filled.
Anything else in braces stays as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PLACEHOLDERS = ("客户姓名", "产品", "专员姓名")
PATTERN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


def render(text: str, values: Mapping[str, str]) -> SafeString:
    parts: list[str] = []
    position = 0
    for match in PATTERN.finditer(text):
        parts.append(escape(text[position : match.start()]))
        value = values.get(match.group(1), "")
        parts.append(f'<mark class="placeholder">{escape(value)}</mark>' if value else "＿＿")
        position = match.end()
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))
