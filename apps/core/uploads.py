"""Checks for files people upload (evidence, results, scans, staff lists), and
the one way they are served back.

A file is accepted only if its extension is on the form's list AND its content is
what the extension says (a binary format's signature, an office file's ZIP members,
text without control bytes), and no file carries markup (`MARKUP`) in its first
kilobyte, where browsers sniff. `file_download` serves a file as an attachment with
an allow-listed Content-Type, `nosniff` and a CSP that runs nothing. Why a table of
our own rather than a library: see docs/security-and-privacy.md#uploads.
"""

import codecs
import os
import re
import zipfile
import zlib

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

DOCUMENTS = {".pdf", ".doc", ".docx", ".odt", ".ppt", ".pptx", ".odp", ".xls", ".xlsx", ".txt"}
IMAGES = {".jpg", ".jpeg", ".png"}
VIDEO = {".mp4", ".webm", ".mov"}
EVIDENCE_TYPES = DOCUMENTS | IMAGES | VIDEO
TEXT_TYPES = {".txt", ".csv"}

# Leading bytes of the binary types; the checks of `_content_problem` add more.
SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".odp": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".ppt": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webm": (b"\x1a\x45\xdf\xa3",),
}
# The part directory an OOXML package of each kind has besides [Content_Types].xml.
OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
# What the `mimetype` member of an ODF package says.
ODF_MIMETYPES = {
    ".odt": b"application/vnd.oasis.opendocument.text",
    ".odp": b"application/vnd.oasis.opendocument.presentation",
}
ISO_MEDIA = {".mp4", ".mov"}  # an `ftyp` box at byte 4

# How much of the start of a file is looked at for markup.
HEAD_BYTES = 1024
# Markup in a file's first kilobyte, whatever its type. Tag names are those of
# the WHATWG sniffing table for HTML plus every tag that runs a script, loads a
# resource or takes input; each must end where a tag name ends (white space,
# `/`, `>`), so `<imgs` or `<a:graphic` (an OOXML part) is not one. The
# one- and two-letter tags count only with an attribute (`<a href=`): three
# random bytes are `<a ` or `<b>` in about one compressed image of a thousand.
# `<?xml` is the `declaration` group: it is markup in text, but a ZIP-based
# office file whose parts are stored rather than deflated (SheetJS writes them
# so) has `<?xml` in its first kilobyte as its own content.
# ASCII classes only: `\s` must not match the 0x85/0xA0 bytes of UTF-8 Cyrillic.
_TAG_END = r"(?=[\s/>])"
MARKUP = re.compile(
    "|".join(
        (
            r"(?P<declaration><\?xml" + _TAG_END + ")",
            r"<!doctype\s+html",
            r"<!--",
            r"<!\[cdata\[",
            r"</?(?:html|head|body|script|style|i?frame|frameset|object|embed|applet|svg|math|img|image|picture|video"
            r"|audio|source|track|link|meta|base|form|input|button|textarea|select|isindex|table|div|font|title"
            r"|template|noscript|noembed|marquee|plaintext|xmp|details|dialog|portal)" + _TAG_END,
            r"<(?:a|b|i|p|u|br|hr|h[1-6]|li|ol|ul|td|tr|em)\s+[a-z][\w:-]*\s*=",
            r"<[a-z][^<>]*[\s/\"']on[a-z]+\s*=",  # an event handler in a tag of any name
            # a javascript: URL as a value (`href="javascript:`, `url(javascript:`): a course
            # name like «JavaScript:основы» in a CSV is text
            r"[=\"'(]\s*javascript\s*:",
        )
    ),
    re.IGNORECASE | re.ASCII,
)
# A text file that starts with a tag of any name is a page or XML, not a table or notes.
TEXT_STARTING_WITH_A_TAG = re.compile(r"\A\s*<[a-z!?/]", re.IGNORECASE | re.ASCII)
# Control characters that plain text never holds (tab, line breaks, form feed and escape allowed).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
BYTE_ORDER_MARKS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# What a download is served as; any other extension goes out as opaque bytes.
DOWNLOAD_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".mp4": "video/mp4",
    ".webm": "video/webm",
    ".mov": "video/quicktime",
}
OPAQUE = "application/octet-stream"
# A downloaded file is never a page of the site: it runs nothing, even if opened in a tab.
DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def validate_upload(upload, *, max_mb=20, extensions=EVIDENCE_TYPES):
    """Raise ValidationError unless `upload` is small enough, of an allowed type,
    and its content is what its extension says."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in extensions:
        raise ValidationError(
            _("Files of this type are not accepted. Allowed: %(types)s.") % {"types": ", ".join(sorted(extensions))}
        )
    if upload.size > max_mb * 1024 * 1024:
        raise ValidationError(_("The file is larger than %(size)s MB.") % {"size": max_mb})
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    upload.seek(0)
    try:
        problem = _content_problem(upload, extension)
    finally:
        upload.seek(0)
    if problem:
        message, code = problem
        raise ValidationError(message, code=code)


def _content_problem(upload, extension):
    """Why the content does not match `extension`, as (message, code), or None."""
    head = upload.read(HEAD_BYTES)
    text = _head_text(head) if extension in TEXT_TYPES else head.decode("latin-1")
    if extension in TEXT_TYPES and CONTROL_CHARACTERS.search(text):
        return _("The file is not plain text."), "not_text"
    xml_is_content = extension in OOXML_PARTS or extension in ODF_MIMETYPES
    if _has_markup(text, xml_is_content=xml_is_content) or (
        extension in TEXT_TYPES and TEXT_STARTING_WITH_A_TAG.match(text)
    ):
        if extension in TEXT_TYPES:
            return _("The file looks like a web page or markup, not plain text."), "markup"
        return _("The file looks like a web page, which is not accepted."), "markup"
    if extension in TEXT_TYPES:
        return None
    mismatch = _("The file's content does not match its extension."), "mismatch"
    signatures = SIGNATURES.get(extension)
    if signatures and not head.startswith(signatures):
        return mismatch
    if extension == ".png" and head[12:16] != b"IHDR":
        return mismatch
    if extension in ISO_MEDIA and head[4:8] != b"ftyp":
        return mismatch
    if extension in OOXML_PARTS or extension in ODF_MIMETYPES:
        return None if _is_office_package(upload, extension) else mismatch
    return None


def _has_markup(text, *, xml_is_content=False):
    """Whether `text`, the decoded start of a file, holds markup (see `MARKUP`)."""
    return any(not (xml_is_content and match["declaration"]) for match in MARKUP.finditer(text))


def _head_text(head):
    """`head`, the start of a .txt or .csv, as text for the checks."""
    for bom, encoding in BYTE_ORDER_MARKS:
        if head.startswith(bom):
            body = head[len(bom) :]
            if encoding != "utf-8":  # whole UTF-16 code units only
                body = body[: len(body) // 2 * 2]
            return body.decode(encoding, errors="replace")
    # UTF-8 or a single-byte Cyrillic code page: both keep ASCII as it is,
    # and ASCII is all the checks look for.
    return head.decode("latin-1")


# What reading a broken, encrypted or odd archive raises.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,  # also an unsupported compression method, which zipfile raises as a subclass
)


def _is_office_package(upload, extension):
    """Whether `upload` is a ZIP holding the members an office file of `extension` has.
    Only the archive's directory and the tiny ODF `mimetype` member are read."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension in OOXML_PARTS:
                part = OOXML_PARTS[extension]
                return "[Content_Types].xml" in names and any(name.startswith(part) for name in names)
            info = archive.getinfo("mimetype") if "mimetype" in names else None
            if info is None or info.file_size > 100:
                return False
            return archive.read(info).strip() == ODF_MIMETYPES[extension]
    except ZIP_ERRORS:
        return False


def file_download(field_file):
    """Serve a stored file as an attachment; the caller has checked access."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    filename = os.path.basename(field_file.name)
    response = FileResponse(handle, as_attachment=True, filename=filename)
    response["Content-Type"] = DOWNLOAD_TYPES.get(os.path.splitext(filename)[1].lower(), OPAQUE)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
