"""Documents of internship and teacher-internship matches (the praktijkovereenkomst, …): the only
writer of Attachment rows and their files (DESIGN §3).

Safe upload: PDF, DOCX or ODT only, at most 10 MB, the type read from the content (a renamed
`.exe` stays an executable), stored under a random name in a private storage; nothing is stored
when a check fails. Reading goes through matching.views.documents.attachment_download.
"""

from __future__ import annotations

import zipfile

import structlog
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from matching.models import Attachment, Match
from taxonomy.kinds import Kind

logger = structlog.get_logger(__name__)

DOCUMENT_KINDS = (Kind.INTERNSHIP, Kind.TEACHER_INTERNSHIP)
CONTENT_TYPES = {
    Attachment.Type.PDF: "application/pdf",
    Attachment.Type.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Attachment.Type.ODT: "application/vnd.oasis.opendocument.text",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def document_type(upload: UploadedFile) -> str | None:
    """PDF, DOCX or ODT as read from the bytes (magic number, zip structure), else None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Attachment.Type.PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT_MIMETYPE:
                return Attachment.Type.ODT
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return Attachment.Type.DOCX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    finally:
        upload.seek(0)
    return None


def _clean_name(name: str, kind: str) -> str:
    stem = (name or "").replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip() or "document"
    safe = "".join(c for c in stem if c.isalnum() or c in " -_()")[:150].strip() or "document"
    return f"{safe}.{kind}"


@transaction.atomic
def attachment_add(*, match: Match, by: User, upload: UploadedFile) -> Attachment:
    """Attach a document; either side of the match may (the coordinator reads them)."""
    if not access.side_of(by, match):
        raise PermissionDenied
    if match.offer.kind not in DOCUMENT_KINDS:
        raise ValidationError(
            {"file": _("Documents can be attached to internships and teacher internships only.")}
        )
    if upload is None:
        raise ValidationError({"file": _("Choose a file to upload.")})
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "file": _("The file is too large: at most %(mb)s MB.")
                % {"mb": settings.ATTACHMENT_MAX_BYTES // 2**20}
            }
        )
    kind = document_type(upload)
    if kind is None:
        raise ValidationError(
            {"file": _("Only PDF, Word (.docx) and OpenDocument (.odt) documents can be uploaded.")}
        )
    attachment = Attachment(
        match=match, name=_clean_name(upload.name, kind), type=kind, size=upload.size, uploaded_by=by
    )
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    logger.info("attachment.added", match=match.pk, attachment=attachment.pk, type=kind, size=upload.size)
    return attachment
