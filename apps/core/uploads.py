"""Checks for files people upload (evidence, results): size and type, by
extension and by the file's first bytes, so a renamed program is refused."""

import os

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

DOCUMENTS = {".pdf", ".doc", ".docx", ".odt", ".ppt", ".pptx", ".odp", ".xls", ".xlsx", ".txt"}
IMAGES = {".jpg", ".jpeg", ".png"}
VIDEO = {".mp4", ".webm", ".mov"}
EVIDENCE_TYPES = DOCUMENTS | IMAGES | VIDEO

# Leading bytes of the binary types above; text formats have none.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ppt": (b"\xd0\xcf\x11\xe0",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
    ".webm": (b"\x1a\x45\xdf\xa3",),
}


def validate_upload(upload, *, max_mb=20, extensions=EVIDENCE_TYPES):
    """Raise ValidationError unless `upload` is small enough and of an allowed type."""
    extension = os.path.splitext(upload.name)[1].lower()
    if extension not in extensions:
        raise ValidationError(
            _("Files of this type are not accepted. Allowed: %(types)s.") % {"types": ", ".join(sorted(extensions))}
        )
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(size)s MB.") % {"size": max_mb})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    signatures = SIGNATURES.get(extension)
    if extension in {".mp4", ".mov"}:
        head = upload.read(12)
        upload.seek(0)
        if head[4:8] != b"ftyp":
            raise ValidationError(_("The file's content does not match its extension."))
    elif signatures:
        head = upload.read(8)
        upload.seek(0)
        if not head.startswith(signatures):
            raise ValidationError(_("The file's content does not match its extension."))


def file_download(field_file):
    """Serve a stored file as an attachment; the caller has checked access."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=os.path.basename(field_file.name))
