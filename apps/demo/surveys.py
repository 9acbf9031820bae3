"""Demo staff surveys: two analysed rounds a year apart in the main school that
show the programme's effect (the first sparse, with isolates and a pair who name
only each other; the second denser, with most former isolates named by
colleagues, and readiness to interact up from about a third to 75 %), and an
open round in the partner school for its demo teacher to answer. Each round needs
answers from half of its staff (and at least 5), the smallest minimum a round may
have; both analysed rounds have enough answers, and answers varied enough, for
their counts (and the readiness share) to be shown. Safe to run again."""

import datetime

from django.db import transaction
from django.utils import timezone

from apps.demo.staff import ASSOCIATIONS
from apps.staff.models import StaffMember
from apps.surveys.disclosure import MIN_RESPONDENTS
from apps.surveys.models import SurveyRound, SurveyTie
from apps.surveys.services import survey_answer_submit, survey_round_analyse, survey_round_close, survey_round_create

ADVICE, LESSONS, TRUST = SurveyTie.Kind.ADVICE, SurveyTie.Kind.LESSONS, SurveyTie.Kind.TRUST
# Whom each methodological association goes to for advice.
HEADS = {"humanities": "Соколова", "science": "Миронова", "primary": "Кузнецова", "arts": "Андреева"}
# Named by no one in the first round: the early-career teachers, a newcomer and the psychologist.
FIRST_ISOLATES = ["Белова", "Осипова", "Титов", "Киселёва", "Никитина"]
# The resistant closed pair: they name only each other.
CLOSED_PAIR = ["Егоров", "Семёнов"]
# Ties the programme made between the rounds (pairs, triads, teams): named both ways in the second round.
PROGRAMME_TIES = [
    ("Белова", "Васильев"),
    ("Осипова", "Кузнецова"),
    ("Титов", "Павлова"),
    ("Титов", "Николаева"),
    ("Лебедева", "Николаева"),
    ("Захарова", "Яковлев"),
    ("Миронова", "Павлова"),
    ("Белова", "Миронова"),
    ("Морозова", "Васильев"),
    ("Киселёва", "Николаева"),
    ("Егоров", "Андреева"),
    ("Семёнов", "Миронова"),
]
SILENT = {1: ["Борисова", "Макаров"], 2: []}


def _october_15(today):
    this_year = datetime.date(today.year, 10, 15)
    return this_year if this_year < today else datetime.date(today.year - 1, 10, 15)


def _plan(people, *, second):
    """Who names whom in a round: {surname: {kind: [surnames]}}."""
    by_association = {}
    for person in people.values():
        key = person.association_key
        by_association.setdefault(key, []).append(person.last_name)
    plan = {name: {ADVICE: set(), LESSONS: set(), TRUST: set()} for name in people}
    isolates = set() if second else set(FIRST_ISOLATES)
    if second:
        isolates = {"Никитина"}
    for key, names in by_association.items():
        head = HEADS.get(key)
        ring = sorted(n for n in names if n not in isolates and n not in CLOSED_PAIR and n != head)
        for index, name in enumerate(ring):
            if head:
                plan[name][ADVICE].add(head)
            if len(ring) > 1:
                plan[name][LESSONS].add(ring[(index + 1) % len(ring)])
        for name in names:
            if name in isolates and head:
                plan[name][ADVICE].add(head)
    heads = [h for h in HEADS.values() if h in plan]
    for head in heads:
        if "Гусева" in plan and head != "Гусева":
            plan[head][ADVICE].add("Гусева")
        plan[head][TRUST].update(h for h in heads if h != head)
    if "Гусева" in plan and "Миронова" in plan:
        plan["Гусева"][ADVICE].add("Миронова")
    if "Борисова" in plan and "Гусева" in plan:
        plan["Борисова"][ADVICE].add("Гусева")
    if "Никитина" in plan and "Борисова" in plan:
        plan["Никитина"][LESSONS].add("Борисова")  # the psychologist and the social pedagogue
    if all(n in plan for n in CLOSED_PAIR):
        a, b = CLOSED_PAIR
        for kind in (ADVICE, LESSONS, TRUST):
            plan[a][kind].add(b)
            plan[b][kind].add(a)
    if second:
        for a, b in PROGRAMME_TIES:
            if a in plan and b in plan:
                plan[a][LESSONS].add(b)
                plan[b][LESSONS].add(a)
                plan[a][TRUST].add(b)
    return plan


def _seed_round(*, school, users, name, closes_on, number, previous_people=None):
    admin = users.get("director@berezovka.demo")
    opens_on = closes_on - datetime.timedelta(days=14)
    staff = list(
        StaffMember.objects.for_school(school)
        .filter(is_active=True)
        .select_related("association")
        .order_by("last_name", "pk")
    )
    people = {}
    for person in staff:
        if person.last_name in people:
            continue
        person.association_key = next(
            (key for key, title in ASSOCIATIONS.items() if person.association and person.association.name == title),
            None,
        )
        people[person.last_name] = person
    survey_round = survey_round_create(
        school=school,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        staff=list(people.values()),
        max_choices=5,
        created_by=admin,
        # Set up on its first day, like the answers that follow.
        now=timezone.make_aware(datetime.datetime.combine(opens_on, datetime.time(9))),
    )
    plan = _plan(people, second=number == 2)
    answered_at = timezone.make_aware(
        datetime.datetime.combine(opens_on + datetime.timedelta(days=3), datetime.time(15))
    )
    respondents = 0
    for index, (surname, kinds) in enumerate(sorted(plan.items())):
        if surname in SILENT[number]:
            continue
        respondents += 1
        # The first round's answers hover around the middle of the scale (about a third
        # above it); in the second three respondents in four answer above it: the 75 %
        # readiness to interact the school reported.
        base, spread = (2, 3) if number == 1 else (3, 3) if respondents % 4 else (2, 2)
        readiness = {
            item: min(5, base + (index + offset) % spread)
            for offset, item in enumerate(["open_lessons", "asks_advice", "shares_materials", "discusses_mistakes"])
        }
        survey_answer_submit(
            survey_round=survey_round,
            respondent=people[surname],
            choices={kind: [people[n] for n in sorted(names)][:5] for kind, names in kinds.items()},
            readiness=readiness,
            now=answered_at,
        )
    closed_at = timezone.make_aware(datetime.datetime.combine(closes_on + datetime.timedelta(days=1), datetime.time(1)))
    survey_round_close(survey_round=survey_round, now=closed_at)
    survey_round_analyse(round_id=survey_round.pk, now=closed_at)
    return survey_round


@transaction.atomic
def seed_surveys(*, schools, users, today):
    """Nothing for a school that already has survey rounds."""
    main, partner = schools["main"], schools.get("partner")
    created = False
    if not SurveyRound.objects.filter(school=main).exists():
        latest = _october_15(today)
        first = latest.replace(year=latest.year - 1)
        _seed_round(
            school=main,
            users=users,
            name=f"Сеть профессиональных связей, октябрь {first.year}",
            closes_on=first,
            number=1,
        )
        _seed_round(
            school=main,
            users=users,
            name=f"Сеть профессиональных связей, октябрь {latest.year}",
            closes_on=latest,
            number=2,
        )
        created = True
    if partner is not None and not SurveyRound.objects.filter(school=partner).exists():
        staff = list(StaffMember.objects.for_school(partner).filter(is_active=True))
        if len(staff) >= MIN_RESPONDENTS:
            survey_round_create(
                school=partner,
                name="К кому мы обращаемся за советом",
                opens_on=today - datetime.timedelta(days=3),
                closes_on=today + datetime.timedelta(days=10),
                staff=staff,
                max_choices=5,
                created_by=users.get("director@olkhovka.demo"),
            )
            created = True
    return created
