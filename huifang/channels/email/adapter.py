"""Send one message through the configured SMTP server."""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend
from django.core.mail.message import make_msgid

from huifang.channels.base import Outgoing, Result, failed
from huifang.channels.email import settings as email_settings


def send(message: Outgoing) -> Result:
    config = email_settings.current()
    connection = EmailBackend(
        host=config.host,
        port=config.port,
        username=config.username or None,
        password=config.password or None,
        use_tls=config.use_tls,
        use_ssl=config.use_ssl,
        timeout=config.timeout,
        fail_silently=False,
    )
    message_id = make_msgid(domain="huifang")
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        from_email=config.sender,
        to=[message.to],
        headers={"Message-ID": message_id},
        connection=connection,
    )
    try:
        email.send()
    except smtplib.SMTPRecipientsRefused as error:
        return failed(f"recipient refused: {error.recipients}", retry=False)
    except smtplib.SMTPAuthenticationError as error:
        return failed(f"SMTP login refused: {error.smtp_code} {error.smtp_error!r}", retry=False)
    except (smtplib.SMTPException, OSError) as error:
        return failed(f"{type(error).__name__}: {error}")
    return Result(ok=True, provider_id=message_id)
