"""Uploads: every upload form checks the file by its content, and every
stored file is served only after its object's permission check, as an attachment
that a browser cannot take for a page of the site."""

import io
import os
import random
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import Role
from apps.accounts.tests.factories import MembershipFactory, SchoolNetworkFactory, UserFactory
from apps.core.tests.world import World
from apps.core.uploads import (
    DOWNLOAD_CSP,
    EVIDENCE_TYPES,
    HEAD_BYTES,
    IMAGES,
    TEXT_TYPES,
    file_download,
    validate_upload,
)
from apps.mentoring.tests import routes as mentoring_routes
from apps.partners.tests import routes as partners_routes
from apps.problemdays.tests import routes as problemdays_routes
from apps.staff.tests.factories import StaffMemberFactory
from apps.teams.tests import routes as teams_routes
from conftest import client_for

EVERYTHING = EVIDENCE_TYPES | TEXT_TYPES


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _xlsx():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def _odf(mimetype, **extra):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first and stored, as ODF wants
        for name, content in {"content.xml": "<office:document-content/>", **extra}.items():
            archive.writestr(name, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
DOCX = _zip(
    {"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"}
)
PPTX = _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"})
ODT = _odf("application/vnd.oasis.opendocument.text")
ODP = _odf("application/vnd.oasis.opendocument.presentation")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504

ACCEPTED = [
    ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
    ("photo.png", PNG),
    ("photo.jpg", JPEG),
    ("photo.jpeg", JPEG),
    ("programme.docx", DOCX),
    ("staff.xlsx", _xlsx()),
    ("slides.pptx", PPTX),
    ("programme.odt", ODT),
    ("slides.odp", ODP),
    ("old.doc", OLE),
    ("old.xls", OLE),
    ("lesson.mp4", b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2mp41"),
    ("lesson.mov", b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  "),
    ("lesson.webm", b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"),
    ("notes.txt", "Протокол: урок 5 «Б», тема — дроби.\r\nВывод: a < b.\n".encode()),
    ("notes.txt", "Протокол урока в кодировке Windows-1251".encode("cp1251")),
    ("notes.txt", "\ufeffПротокол с меткой порядка байтов".encode()),
    ("notes.txt", "\ufeffПротокол в UTF-16".encode("utf-16-le")),
    ("staff.csv", "Фамилия;Имя\nОрлова;Вера\n".encode()),
]


@pytest.mark.parametrize("name,content", ACCEPTED, ids=[f"{n}-{i}" for i, (n, _c) in enumerate(ACCEPTED)])
def test_real_files_of_every_allowed_type_are_accepted(name, content):
    upload = SimpleUploadedFile(name, content)
    validate_upload(upload, extensions=EVERYTHING)
    assert upload.read() == content  # the check leaves the file at its start for saving


REFUSED = [
    # HTML disguised as an image, with or without a real image's first bytes.
    ("html-as-png", "photo.png", HTML),
    ("html-as-jpg", "photo.jpg", HTML),
    ("html-after-png-signature", "photo.png", b"\x89PNG\r\n\x1a\n" + HTML),
    ("html-after-jpeg-signature", "photo.jpg", b"\xff\xd8\xff\xe0" + HTML),
    ("svg-as-png", "photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("png-without-ihdr", "photo.png", b"\x89PNG\r\n\x1a\nnot an image at all"),
    ("html-after-pdf-signature", "report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
    ("program-as-pdf", "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00"),
    # Text that is really a page, SVG or a script.
    ("doctype-as-txt", "notes.txt", HTML),
    ("html-as-txt-after-bom-and-space", "notes.txt", b"\xef\xbb\xbf \r\n\t<HTML><body>hi</body></HTML>"),
    ("script-as-txt", "notes.txt", b"  <script src=//evil.example/x.js></script>"),
    ("svg-as-txt", "notes.txt", b'\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("xml-svg-as-txt", "notes.txt", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
    ("utf16-html-as-txt", "notes.txt", "\ufeff<html><script>alert(1)</script>".encode("utf-16-le")),
    ("html-as-csv", "staff.csv", b"<html><body><table><tr><td>1</td></tr></table>"),
    ("binary-as-txt", "notes.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"),
    # ZIP-based office files must be ZIPs holding what makes them that format.
    ("zip-signature-only-as-docx", "programme.docx", b"PK\x03\x04 and then nothing of a ZIP"),
    ("plain-zip-as-docx", "programme.docx", _zip({"readme.txt": "hello"})),
    ("xlsx-as-docx", "programme.docx", _xlsx()),
    ("docx-without-content-types", "programme.docx", _zip({"word/document.xml": "<w:document/>"})),
    ("odp-as-odt", "programme.odt", ODP),
    ("odt-without-mimetype", "programme.odt", _zip({"content.xml": "<office:document-content/>"})),
    ("ooxml-as-odt", "programme.odt", DOCX),
    ("html-as-xlsx", "staff.xlsx", HTML),
    ("not-iso-media-as-mp4", "lesson.mp4", b"\x00\x00\x00\x20moov" + b"\x00" * 24),
]


@pytest.mark.parametrize("name,content", [(n, c) for _i, n, c in REFUSED], ids=[i for i, _n, _c in REFUSED])
def test_files_whose_content_is_not_their_type_are_refused(name, content):
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile(name, content), extensions=EVERYTHING)


# Markup anywhere in the first KiB, not only at the start, and the tags that
# run scripts or load things besides <html>/<script>.
HOSTILE_MARKUP = [
    ("html-after-a-line-of-text", "notes.txt", b"hi\n<html><script>alert(1)</script>"),
    ("script-after-a-csv-row", "staff.csv", "Фамилия;Имя\nОрлова;<script>alert(1)</script>\n".encode()),
    ("img-onerror-as-csv", "staff.csv", b"name;note\nx;<img src=x onerror=alert(1)>\n"),
    ("img-onerror-in-png", "photo.png", PNG + b"tEXt<img src=x onerror=alert(1)>"),
    ("img-onerror-in-jpeg", "photo.jpg", JPEG[:20] + b"<IMG/SRC=x/ONERROR=alert(1)>"),
    ("link-as-txt", "notes.txt", b'see <a href="https://evil.example/">here</a>'),
    ("style-as-txt", "notes.txt", b"x\n<style>body{background:url(//evil.example)}</style>"),
    ("svg-onload-in-pdf", "report.pdf", b"%PDF-1.4\n<svg/onload=alert(1)>"),
    ("iframe-as-txt", "notes.txt", b"text <iframe src=//evil.example>"),
    ("body-as-txt", "notes.txt", b"text\n<body onload=alert(1)>"),
    ("meta-refresh-as-txt", "notes.txt", b'x <meta http-equiv="refresh" content="0;url=//evil.example">'),
    ("doctype-late-in-txt", "notes.txt", b"header line\n<!DOCTYPE html>"),
    ("xml-declaration-late-in-txt", "notes.txt", b"x\n<?xml version='1.0'?><x:y/>"),
    ("object-as-txt", "notes.txt", b"x <object data=//evil.example/x.swf>"),
    ("embed-in-png", "photo.png", PNG + b"<embed src=//evil.example/x>"),
    ("form-as-txt", "notes.txt", b'x <form action="//evil.example"><input name=p>'),
    ("input-as-csv", "staff.csv", b"a;b\n1;<input autofocus onfocus=alert(1)>"),
    ("handler-on-any-tag", "notes.txt", b"x <custom-el onmouseover=alert(1)>"),
    ("javascript-url-in-txt", "notes.txt", b"<p>go to <b onmouseover=x href='javascript:alert(document.cookie)'>"),
    ("javascript-url-as-value", "notes.txt", b"link=javascript:alert(document.cookie)"),
    ("javascript-url-in-css", "notes.txt", b"background: url( javascript:alert(1))"),
    ("javascript-url-in-jpeg", "photo.jpg", JPEG[:20] + b'"JavaScript:alert(1)"'),
    ("utf16-late-script-in-txt", "notes.txt", "\ufeffСтрока\n<script>alert(1)</script>".encode("utf-16-le")),
    ("cp1251-then-svg-in-csv", "staff.csv", "Фамилия;Имя\n<svg onload=alert(1)>".encode("cp1251")),
]


@pytest.mark.parametrize(
    "name,content", [(n, c) for _i, n, c in HOSTILE_MARKUP], ids=[i for i, _n, _c in HOSTILE_MARKUP]
)
def test_markup_anywhere_in_the_first_kilobyte_of_any_file_is_refused(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content), extensions=EVERYTHING)
    assert refused.value.code == "markup"


def _xmp_jpeg():
    """A JPEG whose APP1 segment holds an XMP packet, as cameras and editors write."""
    xmp = (
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about=""/>'
        b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    )
    return JPEG[:20] + b"\xff\xe1" + (len(xmp) + 31).to_bytes(2, "big") + b"http://ns.adobe.com/xap/1.0/\x00" + xmp


def _stored_xlsx():
    """An XLSX whose members are stored, not deflated (as SheetJS writes by
    default): `<?xml` declarations sit in its first kilobyte."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_xlsx())) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    return buffer.getvalue()


SCHOOL_DATA_WITH_LESS_THAN = [
    ("marks.csv", "Класс;Предмет;Ученики с оценкой <3\n5А;математика;2\n".encode()),
    ("marks.csv", "Класс;Порог\n5А;<3\n6Б;< 4\n".encode("cp1251")),
    ("marks.csv", "<3;двоек нет\n".encode()),  # even as the file's first character
    ("notes.txt", "Неравенства: a<b, x < 5, 2<x<7, a <= b, x<a, стрелка <-- и ->\n".encode()),
    ("notes.txt", "Тема урока: JavaScript: переменные и циклы; ссылки <https://school.example/>\n".encode()),
    ("courses.csv", "Фамилия;Курс\nИванов;JavaScript:основы\n".encode("cp1251")),
    ("courses.csv", "Курс «JavaScript:» пройден\n".encode()),
    ("photo.jpg", _xmp_jpeg()),
    ("staff.xlsx", _stored_xlsx()),
]


@pytest.mark.parametrize(
    "name,content", SCHOOL_DATA_WITH_LESS_THAN, ids=[f"{n}-{i}" for i, (n, _c) in enumerate(SCHOOL_DATA_WITH_LESS_THAN)]
)
def test_a_less_than_sign_xmp_metadata_or_a_stored_xml_part_is_not_markup(name, content):
    validate_upload(SimpleUploadedFile(name, content), extensions=EVERYTHING)


def test_random_bytes_after_an_image_header_are_not_taken_for_markup():
    """Compressed image data looks random; the detector must not fire on chance bytes."""
    rng = random.Random(10)
    for _attempt in range(2000):
        content = PNG + rng.randbytes(HEAD_BYTES)
        validate_upload(SimpleUploadedFile("photo.png", content), extensions=IMAGES)


def test_size_and_extension_are_checked_too():
    with pytest.raises(ValidationError, match="20"):
        validate_upload(SimpleUploadedFile("big.png", PNG + b"\x00" * (20 * 1024 * 1024)))
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("page.html", HTML))
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("drawing.svg", b"<svg/>"), extensions=EVERYTHING)
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("empty.pdf", b""))
    with pytest.raises(ValidationError):  # an allowed type, but not on this form's list
        validate_upload(SimpleUploadedFile("lesson.webm", b"\x1a\x45\xdf\xa3"), extensions=IMAGES)


# Every upload form: a disguised page is a form error, and what was typed stays.

KEPT = "Текст-который-остаётся-в-форме"
KEPT_LINK = "https://example.org/kept-typed-input"


def _partner_pk(w):
    return partners_routes.OBJECTS["partner"](w)["pk"]


def _outcome_form(w):
    return (
        reverse("teams:outcome_record", kwargs=teams_routes.OBJECTS["team"](w)),
        Role.ADMINISTRATOR,
        {
            "kind": "document",
            "title": KEPT,
        },
    )


def _reflection_form(w):
    url = reverse("problemdays:reflection_edit", kwargs=problemdays_routes.OBJECTS["problem_day"](w))
    counts = {"students_count": 120, "teachers_count": 15, "parents_count": 10, "partners_count": 2}
    return url, Role.ADMINISTRATOR, {"what_worked": KEPT, **counts}


def _result_form(w):
    from apps.core.dates import school_today

    url = reverse("mentoring:result_create", kwargs=mentoring_routes.OBJECTS["network_group"](w))
    data = {"year": school_today(w.school).year, "quarter": 1, "form": "programme", "title": KEPT}
    return url, Role.ADMINISTRATOR, data


def _route_step_form(w):
    # The route's teacher reports progress on a step: status and evidence.
    url = reverse("mentoring:route_step_edit", kwargs=mentoring_routes.OBJECTS["route_step"](w))
    return url, Role.TEACHER, {"status": "done", "evidence_link": KEPT_LINK}


def _agreement_form(w):
    url = reverse("partners:agreement_add", kwargs={"pk": _partner_pk(w)})
    data = {"number": KEPT, "signed_on": "2026-01-10", "valid_until": "2027-01-09", "subject": "Сотрудничество"}
    return url, Role.ADMINISTRATOR, data


def _activity_form(w):
    partner = _partner_pk(w)
    data = {
        "title": KEPT,
        "partners": [partner],
        "starts_on": "2026-02-20",
        "kind": "support",
        "responsible": StaffMemberFactory(school=w.school).pk,
        "students_count": "0",
        "parents_count": "0",
        "status": "held",
    }
    return reverse("partners:activity_create", kwargs={"pk": partner}), Role.ADMINISTRATOR, data


def _staff_import_form(w):
    return reverse("staff:import"), Role.ADMINISTRATOR, {}


UPLOAD_FORMS = [
    ("teams-outcome", _outcome_form, "file", "photo.png"),
    ("problemdays-reflection", _reflection_form, "photo", "photo.png"),
    ("mentoring-result", _result_form, "file", "photo.png"),
    ("mentoring-route-evidence", _route_step_form, "evidence_file", "photo.png"),
    ("partners-agreement-scan", _agreement_form, "scan", "scan.png"),
    ("partners-activity-product", _activity_form, "product_file", "photo.png"),
    ("staff-import", _staff_import_form, "file", "staff.csv"),
]


def _stored_files():
    return [os.path.join(root, name) for root, _dirs, names in os.walk(settings.MEDIA_ROOT) for name in names]


@pytest.fixture
def world(school, teacher, curator, deputy_head, administrator):
    users = {Role.TEACHER: teacher, Role.CURATOR: curator, Role.DEPUTY_HEAD: deputy_head}
    return World(school, {**users, Role.ADMINISTRATOR: administrator})


@pytest.mark.parametrize("form,field,file_name", [c[1:] for c in UPLOAD_FORMS], ids=[c[0] for c in UPLOAD_FORMS])
def test_every_upload_form_refuses_html_disguised_as_its_type_and_keeps_the_input(world, form, field, file_name):
    url, role, data = form(world)
    stored_before = _stored_files()
    client = client_for(world.users[role])
    client.cookies.load({"django_language": "en"})

    response = client.post(url, {**data, field: SimpleUploadedFile(file_name, HTML)})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert "web page" in errors
    page = response.content.decode()
    assert "web page" in page
    for value in data.values():
        if value in (KEPT, KEPT_LINK):
            assert value in page
    assert _stored_files() == stored_before


# Downloads: the object's permission check, then an attachment that is never a page.

DOWNLOADS = [
    # route name, object kind, its OBJECTS, school roles who may not see it, Content-Type
    ("teams:outcome_file", "team_outcome", teams_routes.OBJECTS, (), "application/pdf"),
    ("problemdays:reflection_file", "reflected_day", problemdays_routes.OBJECTS, (), "application/pdf"),
    ("partners:agreement_scan", "agreement", partners_routes.OBJECTS, (), "application/pdf"),
    ("partners:activity_file", "joint_activity", partners_routes.OBJECTS, (), "application/pdf"),
    # Only the pair's members, curator and managers: a teacher outside the pair may not.
    ("mentoring:result_file", "result", mentoring_routes.OBJECTS, (Role.TEACHER,), "application/pdf"),
    # Only the route's people and managers: a teacher who is not the route's may not.
    ("mentoring:route_step_evidence", "route_step_file", mentoring_routes.OBJECTS, (Role.TEACHER,), "text/plain"),
]


@pytest.mark.parametrize(
    "name,kind,objects,denied,content_type", DOWNLOADS, ids=[d[0].split(":")[1] for d in DOWNLOADS]
)
def test_downloads_check_the_objects_permission_and_come_as_attachments(
    name, kind, objects, denied, content_type, world, outsider
):
    url = reverse(name, kwargs=objects[kind](world))

    response = client_for(world.users[Role.ADMINISTRATOR]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == DOWNLOAD_CSP

    # A user of another school, holding every role there: the object does not exist for them.
    assert client_for(outsider).get(url).status_code == 404
    # The coordinator of the school's network, who works in no school of it: no way in.
    if world.school.network is None:
        world.school.network = SchoolNetworkFactory()
        world.school.save()
    coordinator = UserFactory()
    world.school.network.coordinators.add(coordinator)
    assert client_for(coordinator).get(url).status_code in (403, 404)
    # A person of the school whose role does not let them see this object.
    for role in denied:
        stranger = MembershipFactory(school=world.school, roles=[role]).user
        StaffMemberFactory(school=world.school, user=stranger)
        assert client_for(stranger).get(url).status_code in (403, 404)


def test_a_stored_file_of_any_other_type_is_served_as_opaque_bytes(tmp_path):
    """A file saved before the content checks, or by hand, still cannot open as a page."""
    from django.core.files.storage import FileSystemStorage
    from django.db.models.fields.files import FieldFile

    from apps.teams.models import TeamOutcome

    storage = FileSystemStorage(location=tmp_path)
    name = storage.save("page.html", ContentFile(HTML))
    field_file = FieldFile(TeamOutcome(), TeamOutcome._meta.get_field("file"), name)
    field_file.storage = storage

    response = file_download(field_file)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == HTML
    response.file_to_stream.close()
