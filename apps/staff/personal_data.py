"""What the staff registry holds about a person (see apps/core/personal_data.py).

The card stays after erasure, without the person, because visits, pairs, teams and
the yearly figures point at it: its names, e-mail, position and date of birth go,
its dates of work, subjects and categories stay (the yearly report then counts the
person as «не указан» in the age bands). Kept on purpose: who uploaded a staff list (the
uploads that mention the person are deleted) and the acts of destruction, which
name the card by its number only.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import PersonalDataSource, Section, field_label

from .models import Achievement, CategoryAward, ErasureRecord, StaffImport, StaffMember


def collect(*, staff, local_time):
    card = Section(
        "card",
        _("Card"),
        [
            ("id", _("card number")),
            ("school", field_label(StaffMember, "school")),
            ("last_name", field_label(StaffMember, "last_name")),
            ("first_name", field_label(StaffMember, "first_name")),
            ("patronymic", field_label(StaffMember, "patronymic")),
            ("email", field_label(StaffMember, "email")),
            ("position", field_label(StaffMember, "position")),
            ("birth_date", field_label(StaffMember, "birth_date")),
            ("association", field_label(StaffMember, "association")),
            ("subjects", field_label(StaffMember, "subjects")),
            ("teaching_since", field_label(StaffMember, "teaching_since")),
            ("hired_on", field_label(StaffMember, "hired_on")),
            ("is_active", field_label(StaffMember, "is_active")),
            ("left_on", field_label(StaffMember, "left_on")),
            ("created_at", _("card created")),
            ("updated_at", _("card last changed")),
        ],
    )
    card.rows.append(
        {
            "id": staff.pk,
            "school": staff.school.name,
            "last_name": staff.last_name,
            "first_name": staff.first_name,
            "patronymic": staff.patronymic,
            "email": staff.email,
            "position": staff.position,
            "birth_date": staff.birth_date,
            "association": staff.association.name if staff.association else "",
            "subjects": ", ".join(subject.name for subject in staff.subjects.order_by("name")),
            "teaching_since": staff.teaching_since,
            "hired_on": staff.hired_on,
            "is_active": staff.is_active,
            "left_on": staff.left_on,
            "created_at": local_time(staff.created_at),
            "updated_at": local_time(staff.updated_at),
        }
    )
    categories = Section(
        "categories",
        _("Categories"),
        [
            ("category", field_label(CategoryAward, "category")),
            ("awarded_on", field_label(CategoryAward, "awarded_on")),
            ("valid_until", field_label(CategoryAward, "valid_until")),
            ("order_number", field_label(CategoryAward, "order_number")),
        ],
        [
            {
                "category": award.get_category_display(),
                "awarded_on": award.awarded_on,
                "valid_until": award.valid_until,
                "order_number": award.order_number,
            }
            for award in CategoryAward.objects.filter(staff=staff).order_by("awarded_on")
        ],
    )
    achievements = Section(
        "achievements",
        _("Achievements"),
        [(name, field_label(Achievement, name)) for name in ("date", "kind", "title", "level", "result")],
        [
            {
                "date": item.date,
                "kind": item.get_kind_display(),
                "title": item.title,
                "level": item.get_level_display(),
                "result": item.get_result_display(),
            }
            for item in Achievement.objects.filter(staff=staff).order_by("date", "pk")
        ],
    )
    return [card, categories, achievements]


def erase(*, erasure):
    staff = erasure.staff
    imports = erasure.files_mentioning(StaffImport.objects.for_school(staff.school).values_list("pk", "content"))
    erasure.deleted("staff_imports", StaffImport.objects.filter(pk__in=imports).delete()[0])
    erasure.anonymised("category_awards", CategoryAward.objects.filter(staff=staff).update(order_number=""))
    erasure.anonymised("achievements", Achievement.objects.filter(staff=staff).update(title="—"))
    if erasure.user is not None and not erasure.account_erased:
        # The account works in another school: it stays there, no longer this card's.
        StaffMember.objects.filter(pk=staff.pk).update(user=None)
    today = timezone.localtime(erasure.now, staff.school.tzinfo).date()
    left = {} if not staff.is_active else {"is_active": False, "left_on": max(today, staff.hired_on)}
    StaffMember.objects.filter(pk=staff.pk).update(
        last_name=erasure.label,
        first_name="",
        patronymic="",
        email="",
        position="",
        birth_date=None,
        updated_at=erasure.now,
        **left,
    )
    erasure.anonymised("staff_card", 1)


SOURCE = PersonalDataSource(
    app_label="staff",
    order=10,
    person_models=(StaffMember, CategoryAward, Achievement, StaffImport, ErasureRecord),
    collect=collect,
    erase=erase,
    categories={
        "staff_card": gettext_lazy("staff card: names, e-mail, position, date of birth"),
        "category_awards": gettext_lazy("qualification categories: order numbers"),
        "achievements": gettext_lazy("achievements: titles"),
        "staff_imports": gettext_lazy("uploaded staff lists"),
    },
    # The card is anonymised field by field; the acts hold no names by construction.
    sweep_exempt=(StaffMember, ErasureRecord),
)
