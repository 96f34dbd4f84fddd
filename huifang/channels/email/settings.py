"""Email channel settings, from HUIFANG_EMAIL_* (see README)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class EmailSettings:
    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    sender: str = "回访 Huifang <noreply@localhost>"
    timeout: int = 20

    @property
    def configured(self) -> bool:
        return bool(self.host)


def current() -> EmailSettings:
    return EmailSettings(**getattr(settings, "HUIFANG_EMAIL", {}))
