"""Phone-first forms of the programmes of help: one column, text kept on error."""

import functools

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import School
from apps.community.models import Material
from apps.core.choices import share_choices
from apps.core.dates import academic_year_span
from apps.core.forms import limit_dates
from apps.core.prepared import Param, ParamList, prepared_query
from apps.core.tenancy import Circle, Viewer
from apps.core.validation import max_length_of
from apps.core.widgets import DateInput
from apps.mentoring.models import MentorGroup, ProblemTag
from apps.staff.forms import StaffChoiceField
from apps.staff.models import StaffMember
from apps.teams.models import TaskTeam

from .models import Difficulty, HelpForm, HelpMilestone, Programme, Responsible
from .services import MILESTONE_YEARS, programme_years


def _textarea(model, name, rows):
    return forms.Textarea(attrs={"rows": rows, "maxlength": max_length_of(model, name)})


# What a blank form offers comes from prepared queries, read once; the querysets a
# posted form validates against are built only for a posted form.


@prepared_query
def _offered_tags():
    return ProblemTag.objects.filter(school_id=Param("school_id"))


@prepared_query
def _offered_difficulties():
    return Difficulty.objects.filter(programme_id=Param("programme_id"))


def _shared_materials(viewer, two):
    """The two schools' shared materials the person may see (never a draft)."""
    return (
        Material.objects.visible_to(viewer)
        .exclude(circle=Circle.DRAFT)
        .filter(school_id__any=two)
        .order_by("-published_at", "-pk")
    )


@prepared_query
def _offered_materials(*, networked):
    return _shared_materials(Viewer.params(networked=networked), ParamList("two"))


def _pair_of_two(two):
    return Q(school_id__any=two, partner_school_id__any=two)


@prepared_query
def _offered_groups():
    return MentorGroup.objects.filter(_pair_of_two(ParamList("two"))).order_by("pk")


@prepared_query
def _offered_teams():
    return TaskTeam.objects.filter(_pair_of_two(ParamList("two"))).order_by("pk")


def _two_schools_staff(two):
    return (
        StaffMember.objects.filter(school_id__any=two, is_active=True)
        .select_related("school")
        .order_by("school__short_name", "last_name", "first_name", "pk")
    )


@prepared_query
def _offered_staff():
    return _two_schools_staff(ParamList("two"))


def _offer(form, field, build, prepared, **values):
    """Let `field` offer `prepared`'s rows; validate a posted form against `build()`."""
    queryset = build() if form.is_bound else field.queryset
    share_choices(queryset, field, load=functools.partial(prepared.rows, **values))


def _groups_of(two):
    return MentorGroup.objects.filter(_pair_of_two(two)).order_by("pk")


def _teams_of(two):
    return TaskTeam.objects.filter(_pair_of_two(two)).order_by("pk")


def _two(programme):
    return [programme.leader_school_id, programme.supported_school_id]


class ProgrammeCreateForm(forms.Form):
    supported_school = forms.ModelChoiceField(label=_("Supported school"), queryset=School.objects.none())
    year = forms.TypedChoiceField(label=_("Academic year"), coerce=int, choices=())
    title = forms.CharField(label=_("Title"), max_length=255)
    goal = forms.CharField(
        label=_("Goal"),
        max_length=max_length_of(Programme, "goal"),
        required=False,
        widget=_textarea(Programme, "goal", 3),
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supported_school"].queryset = School.objects.filter(network_id=school.network_id).exclude(
            pk=school.pk
        )
        years = programme_years(school)
        self.fields["year"].choices = [(year, academic_year_span(year)) for year in years]
        self.initial.setdefault("year", years[1])


class ProgrammeEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    goal = forms.CharField(
        label=_("Goal"),
        max_length=max_length_of(Programme, "goal"),
        required=False,
        widget=_textarea(Programme, "goal", 3),
    )


class DifficultyForm(forms.Form):
    text = forms.CharField(
        label=_("Professional difficulty"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )
    tag = forms.ModelChoiceField(
        label=_("Problem from the school's list"), queryset=ProblemTag.objects.none(), required=False
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        school_id = programme.supported_school_id
        _offer(
            self,
            self.fields["tag"],
            lambda: ProblemTag.objects.filter(school_id=school_id),
            _offered_tags,
            school_id=school_id,
        )


class HelpFormForm(forms.Form):
    kind = forms.ChoiceField(label=_("Form of help"), choices=HelpForm.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("What is done"),
        max_length=max_length_of(HelpForm, "description"),
        required=False,
        widget=_textarea(HelpForm, "description", 3),
    )
    difficulty = forms.ModelChoiceField(
        label=_("For the difficulty"), queryset=Difficulty.objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label=_("Network pair"),
        queryset=MentorGroup.objects.none(),
        required=False,
        help_text=_("For the network pair form: the pair of the two schools that does the work."),
    )
    team = forms.ModelChoiceField(
        label=_("Network team"),
        queryset=TaskTeam.objects.none(),
        required=False,
        help_text=_("For the network team form: the team of the two schools."),
    )
    materials = forms.ModelMultipleChoiceField(
        label=_("Shared materials"),
        queryset=Material.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For the shared materials form: materials of the two schools shared in the community."),
    )

    def __init__(self, *args, programme, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        two = _two(programme)
        values = viewer.values()
        # What the person may see of the two schools' shared materials (never a draft).
        _offer(
            self,
            self.fields["materials"],
            lambda: _shared_materials(viewer, two),
            _offered_materials,
            shape=viewer.shape(),
            two=two,
            **values,
        )
        _offer(
            self,
            self.fields["difficulty"],
            lambda: Difficulty.objects.filter(programme=programme),
            _offered_difficulties,
            programme_id=programme.pk,
        )
        _offer(self, self.fields["group"], lambda: _groups_of(two), _offered_groups, two=two)
        _offer(self, self.fields["team"], lambda: _teams_of(two), _offered_teams, two=two)

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if data.get("group") and kind != HelpForm.Kind.NETWORK_PAIR:
            self.add_error("group", _("Only a network pair form links a pair."))
        if data.get("team") and kind != HelpForm.Kind.NETWORK_TEAM:
            self.add_error("team", _("Only a network team form links a team."))
        if data.get("materials") and kind != HelpForm.Kind.SHARED_MATERIALS:
            self.add_error("materials", _("Only a shared materials form links materials."))
        return data


class ResponsibleForm(forms.Form):
    staff = StaffChoiceField(label=_("Person"), queryset=StaffMember.objects.none())
    role = forms.CharField(label=_("Responsible for"), max_length=200, required=False)

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        two = _two(programme)
        _offer(self, self.fields["staff"], lambda: _two_schools_staff(two), _offered_staff, two=two)
        self.fields["staff"].show_school = True

    def side(self, programme):
        staff = self.cleaned_data["staff"]
        return Responsible.Side.LEADER if staff.school_id == programme.leader_school_id else Responsible.Side.SUPPORTED


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=255)
    due_on = forms.DateField(label=_("Due on"), widget=DateInput())
    responsible = StaffChoiceField(label=_("Responsible"), queryset=StaffMember.objects.none(), required=False)
    note = forms.CharField(
        label=_("Note"),
        max_length=max_length_of(HelpMilestone, "note"),
        required=False,
        widget=_textarea(HelpMilestone, "note", 2),
    )

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        two = _two(programme)
        _offer(self, self.fields["responsible"], lambda: _two_schools_staff(two), _offered_staff, two=two)
        self.fields["responsible"].show_school = True
        limit_dates(self, programme.leader_school, ("due_on",), **MILESTONE_YEARS)


class ReviewForm(forms.Form):
    """Each school writes its own analysis; the results are the two schools' together."""

    review_leader = forms.CharField(
        label=_("The leader school's analysis"),
        max_length=max_length_of(Programme, "review_leader"),
        required=False,
        widget=_textarea(Programme, "review_leader", 5),
    )
    review_supported = forms.CharField(
        label=_("The supported school's analysis"),
        max_length=max_length_of(Programme, "review_supported"),
        required=False,
        widget=_textarea(Programme, "review_supported", 5),
    )
    results = forms.CharField(
        label=_("Results of the year"),
        max_length=max_length_of(Programme, "results"),
        required=False,
        widget=_textarea(Programme, "results", 5),
    )

    def __init__(self, *args, own_side, **kwargs):
        super().__init__(*args, **kwargs)
        # The other side's analysis is theirs to write: it is shown, not edited here.
        del self.fields["review_supported" if own_side == Responsible.Side.LEADER else "review_leader"]
