"""Write the message to the log; for the demo and for channels nobody configured."""

from __future__ import annotations

import logging
import uuid

from huifang.channels.base import Outgoing, Result

logger = logging.getLogger("huifang.channels")


def send(message: Outgoing) -> Result:
    provider_id = f"log-{uuid.uuid4().hex[:12]}"
    logger.info("message %s to %s: %s %s", provider_id, message.to, message.subject, message.body)
    return Result(ok=True, provider_id=provider_id)
