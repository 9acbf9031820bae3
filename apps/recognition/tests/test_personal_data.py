"""What the recognition tree gives to a person's export, and what stays after an erasure."""

import io
import json
import zipfile

from apps.accounts.capabilities import Role
from apps.privacy.erasure import staff_member_erase
from apps.privacy.export import staff_personal_data_export
from apps.recognition import services
from apps.recognition.models import Recognition, RecognitionRecipient
from apps.recognition.tests.conftest import person


def test_the_export_lists_the_recognitions_given_and_received(author, colleague):
    given = services.recognition_create(author=colleague, recipients=[author], text="За разбор моего урока в 7Б")
    received = services.recognition_create(author=author, recipients=[colleague], text="За открытый урок в 5А")
    services.recognition_hide_self(recognition=received, staff=colleague)
    archive = zipfile.ZipFile(io.BytesIO(staff_personal_data_export(staff=colleague)))
    rows = json.loads(archive.read("personal-data.json"))["sections"]["recognition"]["rows"]
    assert [(r["recognition"], r["role"], r["text"], r["hidden_by_me"]) for r in rows] == [
        (given.pk, "автор", given.text, None),
        (received.pk, "отмечен(а)", received.text, True),
    ]
    # Other people by role only: the author's name is not in the person's export.
    assert "Соколова" not in json.dumps(rows, ensure_ascii=False)


def test_erasure_takes_the_name_off_every_leaf_and_keeps_what_the_person_gave(author, colleague, main_school):
    director = person(main_school, Role.ADMINISTRATOR)
    other = person(main_school, last_name="Миронова")
    only_them = services.recognition_create(author=author, recipients=[colleague], text="За совет Беловой Анне")
    shared = services.recognition_create(author=author, recipients=[colleague, other], text="За общий проект с 5А")
    given = services.recognition_create(author=colleague, recipients=[other], text="За подмену уроков в 6А")

    record = staff_member_erase(staff=colleague, reason="Заявление об удалении", erased_by=director.user)

    assert not Recognition.objects.filter(pk=only_them.pk).exists()
    assert list(RecognitionRecipient.objects.filter(recognition=shared).values_list("staff", flat=True)) == [other.pk]
    kept = Recognition.objects.get(pk=given.pk)
    assert kept.author_id == colleague.pk and kept.text == "За подмену уроков в 6А"
    categories = {row["category"]: row["count"] for row in record.categories}
    assert categories["recognition_names"] == 2 and categories["recognitions_of_person"] == 1
