"""Writes of the programmes of help: the leader school draws a programme up with
the supported school, they agree it, record difficulties, forms of help, the
people responsible on both sides and milestones, and review the year together."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.community.models import Material
from apps.core.dates import academic_year_of, school_today
from apps.core.forms import check_dates
from apps.core.tenancy import Circle, Viewer
from apps.core.validation import full_clean_on_fields

from .models import VIOLATION_FIELDS, Difficulty, HelpForm, HelpMilestone, Programme, Responsible

# How far from the school's today a milestone's date may lie (the form offers the same window).
MILESTONE_YEARS = {"back": 1, "ahead": 2}


def _full_clean(instance):
    """full_clean(), with a database constraint's violation shown next to its field."""
    full_clean_on_fields(instance, VIOLATION_FIELDS)


def programme_years(school):
    """The academic years a programme may be drawn up for: last year, this one and the next."""
    this_year = academic_year_of(school_today(school))
    return [this_year - 1, this_year, this_year + 1]


def _require_open(programme):
    if not programme.is_open:
        raise ValidationError(_("The year of this programme is reviewed: it is kept as it was."))


def _locked_open(programme_id):
    """The programme as its row holds it now, locked until the caller's transaction
    ends, and still open: a year closed meanwhile (by the other school) is not
    written into through a page read before."""
    programme = Programme.objects.select_for_update().get(pk=programme_id)
    _require_open(programme)
    return programme


def programme_may_lead(school):
    """Whether `school` draws up programmes of help: the leader school of a network."""
    return school.network_id is not None and school.is_network_leader


def _check_schools(leader_school, supported_school):
    if not programme_may_lead(leader_school):
        raise ValidationError(_("Only the leader school of a network draws up a programme of help."))
    if supported_school.pk == leader_school.pk:
        raise ValidationError({"supported_school": _("The supported school is another school than the leader.")})
    if supported_school.network_id != leader_school.network_id:
        raise ValidationError(
            {"supported_school": _("The supported school must belong to the same network of schools.")}
        )


@transaction.atomic
def programme_create(*, leader_school, supported_school, year, title, goal=""):
    """A new programme in draft, by the leader school of the network for one of
    its schools (the view lets in the leader school's `help_programmes.manage`)."""
    _check_schools(leader_school, supported_school)
    if year not in programme_years(leader_school):
        raise ValidationError({"year": _("Choose last, this or next academic year.")})
    programme = Programme(
        network_id=leader_school.network_id,
        leader_school=leader_school,
        supported_school=supported_school,
        year=year,
        title=title,
        goal=goal,
    )
    _full_clean(programme)
    programme.save()
    return programme


@transaction.atomic
def programme_update(*, programme, title, goal=""):
    _locked_open(programme.pk)
    programme.title, programme.goal = title, goal
    _full_clean(programme)
    programme.save(update_fields=["title", "goal"])
    return programme


@transaction.atomic
def programme_agree(*, programme):
    """The two schools agree the programme: its difficulties and forms of help are named."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != Programme.Status.DRAFT:
        raise ValidationError(_("The programme is already agreed."))
    if not programme.difficulties.exists() or not programme.help_forms.exists():
        raise ValidationError(_("Name the difficulties and the forms of help before agreeing the programme."))
    programme.status = Programme.Status.AGREED
    programme.agreed_on = school_today(programme.leader_school)
    _full_clean(programme)
    programme.save(update_fields=["status", "agreed_on"])
    return programme


@transaction.atomic
def difficulty_save(*, programme, text, tag=None):
    """Add a difficulty; its problem comes from the supported school's own list."""
    _locked_open(programme.pk)
    if tag is not None and tag.school_id != programme.supported_school_id:
        raise ValidationError({"tag": _("Choose a problem of the supported school.")})
    difficulty = Difficulty(programme=programme)
    difficulty.text, difficulty.tag = text.strip(), tag
    _full_clean(difficulty)
    difficulty.save()
    return difficulty


@transaction.atomic
def difficulty_delete(*, difficulty):
    _locked_open(difficulty.programme_id)
    difficulty.delete()


def _check_of_the_two(programme, linked, field, message):
    """A linked pair or team is of the programme's two schools, one of them its partner."""
    if {linked.school_id, linked.partner_school_id} != {programme.leader_school_id, programme.supported_school_id}:
        raise ValidationError({field: message})


def _linker(programme, school, staff):
    """What the person linking materials sees, from the school they act in (a side of
    the programme) and their card there (None without one): never a caller's say-so."""
    sides = (programme.leader_school_id, programme.supported_school_id)
    if school is None or school.pk not in sides or (staff is not None and staff.school_id != school.pk):
        raise ValidationError({"materials": _("Choose shared materials you can see.")})
    return Viewer.of_staff(staff, school=school)


def _check_materials(programme, materials, viewer):
    """Shared materials of the two schools that the person linking them may see,
    never a draft. Who sees each on the programme page is still its own circle."""
    wanted = {m.pk for m in materials}
    found = (
        Material.objects.visible_to(viewer)
        .exclude(circle=Circle.DRAFT)
        .filter(pk__in=wanted, school_id__in=(programme.leader_school_id, programme.supported_school_id))
        .count()
    )
    if found != len(wanted):
        raise ValidationError({"materials": _("Choose shared materials of the two schools that you can see.")})


@transaction.atomic
def help_form_save(
    *,
    programme,
    kind,
    description="",
    difficulty=None,
    group=None,
    team=None,
    materials=None,
    school=None,
    staff=None,
):
    """Add a form of help; a network pair or team form may link the
    pair or team of the two schools that does the work, and a shared materials
    form the community's materials (None keeps them) that the person linking them
    may see: `school`, the side they act in, and `staff`, their card there."""
    _locked_open(programme.pk)
    if materials:
        if kind != HelpForm.Kind.SHARED_MATERIALS:
            raise ValidationError({"materials": _("Only a shared materials form links materials.")})
        _check_materials(programme, materials, _linker(programme, school, staff))
    if difficulty is not None and difficulty.programme_id != programme.pk:
        raise ValidationError({"difficulty": _("Choose a difficulty of this programme.")})
    if group is not None:
        if kind != HelpForm.Kind.NETWORK_PAIR:
            raise ValidationError({"group": _("Only a network pair form links a pair.")})
        _check_of_the_two(programme, group, "group", _("Choose a network pair of these two schools."))
    if team is not None:
        if kind != HelpForm.Kind.NETWORK_TEAM:
            raise ValidationError({"team": _("Only a network team form links a team.")})
        _check_of_the_two(programme, team, "team", _("Choose a task team of these two schools."))
    help_form = HelpForm(programme=programme)
    help_form.kind, help_form.description = kind, description
    help_form.difficulty, help_form.group, help_form.team = difficulty, group, team
    _full_clean(help_form)
    help_form.save()
    if materials is not None:
        help_form.materials.set(materials)
    return help_form


@transaction.atomic
def help_form_delete(*, help_form):
    _locked_open(help_form.programme_id)
    help_form.delete()


@transaction.atomic
def responsible_add(*, programme, staff, side, role=""):
    """A person responsible on one side: their card is of that side's school."""
    _locked_open(programme.pk)
    school_id = programme.leader_school_id if side == Responsible.Side.LEADER else programme.supported_school_id
    if side not in Responsible.Side.values:
        raise ValidationError({"side": _("Choose the leader or the supported school.")})
    if staff.school_id != school_id:
        raise ValidationError({"staff": _("%(name)s works in another school than this side's.") % {"name": staff}})
    if not staff.is_active:
        raise ValidationError({"staff": _("%(name)s no longer works at the school.") % {"name": staff}})
    responsible = Responsible(programme=programme, staff=staff, side=side, role=role)
    _full_clean(responsible)
    responsible.save()
    return responsible


@transaction.atomic
def responsible_remove(*, responsible):
    _locked_open(responsible.programme_id)
    responsible.delete()


@transaction.atomic
def milestone_save(*, programme, title, due_on, responsible=None, note=""):
    """Add a milestone; whoever answers for it works in one of the two schools."""
    _locked_open(programme.pk)
    if responsible is not None:
        if responsible.school_id not in (programme.leader_school_id, programme.supported_school_id):
            raise ValidationError({"responsible": _("Choose a person of the two schools.")})
        if not responsible.is_active:
            raise ValidationError({"responsible": _("%(name)s no longer works at the school.") % {"name": responsible}})
    errors = check_dates(programme.leader_school, {"due_on": due_on}, **MILESTONE_YEARS)
    if errors:
        raise ValidationError(errors)
    milestone = HelpMilestone(programme=programme)
    milestone.title, milestone.due_on, milestone.responsible, milestone.note = title, due_on, responsible, note
    _full_clean(milestone)
    milestone.save()
    return milestone


@transaction.atomic
def milestone_done(*, milestone, note=None, done_on=None):
    """Mark a milestone reached, on the responsible school's date; a draft's
    milestones wait until the two schools agree the programme."""
    if _locked_open(milestone.programme_id).status == Programme.Status.DRAFT:
        raise ValidationError(_("Agree the programme first."))
    if milestone.done_on is not None:
        return milestone
    school = milestone.responsible.school if milestone.responsible_id else milestone.programme.leader_school
    milestone.done_on = done_on or school_today(school)
    if note is not None:
        milestone.note = note
    _full_clean(milestone)
    milestone.save(update_fields=["done_on", "note"])
    return milestone


# Each side's own analysis of the year: the other side's is shown to it, never written by it.
OWN_ANALYSIS = {Responsible.Side.LEADER: "review_leader", Responsible.Side.SUPPORTED: "review_supported"}


@transaction.atomic
def programme_review(*, programme, side, results, review_leader=None, review_supported=None, complete=False):
    """The joint review of the year («совместный анализ итогов года»): the school on
    `side` writes its own analysis (None keeps what is there), both the results;
    `complete` closes the year once all three are written, and the programme is kept
    as it was."""
    if side not in OWN_ANALYSIS:
        raise ValidationError(_("Choose the leader or the supported school."))
    texts = {"review_leader": review_leader, "review_supported": review_supported}
    if any(text is not None and name != OWN_ANALYSIS[side] for name, text in texts.items()):
        raise ValidationError(_("Each school writes its own analysis of the year."))
    programme = Programme.objects.select_for_update().select_related("leader_school").get(pk=programme.pk)
    if programme.status == Programme.Status.DRAFT:
        raise ValidationError(_("Agree the programme first: a draft has no year to review."))
    _require_open(programme)
    if review_leader is not None:
        programme.review_leader = review_leader.strip()
    if review_supported is not None:
        programme.review_supported = review_supported.strip()
    programme.results = results.strip()
    if complete:
        missing = {
            name: _("Write this part of the analysis before closing the year.")
            for name in ("review_leader", "review_supported", "results")
            if not getattr(programme, name)
        }
        if missing:
            raise ValidationError(missing)
        programme.status = Programme.Status.REVIEWED
        programme.reviewed_on = school_today(programme.leader_school)
    _full_clean(programme)
    programme.save(update_fields=["review_leader", "review_supported", "results", "status", "reviewed_on"])
    return programme
