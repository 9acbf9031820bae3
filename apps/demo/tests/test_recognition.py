"""The demo's recognition tree: about forty concrete recognitions over the year,
most pointing at the demo's own work, a few naming the partner school's people,
and last year's tree kept."""

from apps.accounts.models import School
from apps.core.dates import academic_year_of, school_today
from apps.demo.accounts import MAIN_SCHOOL
from apps.demo.recognition import seed_recognition
from apps.recognition.hint import recognition_text_is_vague
from apps.recognition.models import LINK_FIELDS, Recognition


def test_the_demo_tree_grows_through_the_year_with_concrete_recognitions(demo):
    main = School.objects.get(short_name=MAIN_SCHOOL["short_name"])
    year = academic_year_of(school_today(main))
    this_year = Recognition.objects.filter(year=year).filter(school=main) | Recognition.objects.filter(
        year=year, is_network=True, recipients__school=main
    )
    this_year = this_year.distinct()
    assert 35 <= this_year.count() <= 45
    kinds = {r.link_field for r in this_year}
    assert set(LINK_FIELDS) <= kinds | {"network_result"} and "" in kinds
    assert this_year.filter(is_network=True).count() >= 2
    assert not [r.text for r in this_year if recognition_text_is_vague(text=r.text, linked=bool(r.link_field))]
    assert Recognition.objects.filter(school=main, year=year - 1).count() == 6
    assert seed_recognition(schools={"main": main}, today=school_today(main)) is False
