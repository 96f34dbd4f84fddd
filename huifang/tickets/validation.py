"""Checks on what people hand us, with errors they can read."""

from __future__ import annotations

from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = {
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".txt", ".doc", ".docx", ".xls", ".xlsx",
    ".mp4", ".mov", ".zip",
}  # fmt: skip


class TicketError(ValueError):
    """Something asked of a ticket that cannot be done; the message is for the user."""


def check_attachment(upload: UploadedFile) -> None:
    name = upload.name or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        raise TicketError(
            _("Files of type %(type)s cannot be attached; use pictures, PDF, text, Office "
              "documents, videos or ZIP.") % {"type": suffix or _("(none)")}
        )  # fmt: skip
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise TicketError(
            _("%(name)s is larger than %(limit)s MB.")
            % {"name": name, "limit": MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    if not upload.size:
        raise TicketError(_("%(name)s is empty.") % {"name": name})
