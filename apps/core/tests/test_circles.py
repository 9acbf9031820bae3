"""The three circles of shared rows (apps/core/tenancy.py), as predicates.

No model carries a circle yet: the queryset is tried on staff cards (they have a
school and an association) and on their category history (a row one step below,
for the prefix). The database matrix over real materials lives with the
community app's tests.
"""

from types import SimpleNamespace

import pytest
from django.db.models import Q

from apps.accounts.models import School
from apps.core.prepared import Param, ParamList
from apps.core.tenancy import (
    Circle,
    Viewer,
    circle_scoped_queryset,
    get_for_school_or_404,
    get_visible_or_404,
    request_viewer,
    scoped_queryset,
)
from apps.staff.models import CategoryAward, StaffMember


def _queryset(prefix="", model=StaffMember):
    return circle_scoped_queryset(prefix)(model=model)


def _branches(q):
    """The OR's branches, each as a dict of its lookups."""
    assert q.connector == Q.OR
    children = q.children if len(q.children) > 1 or isinstance(q.children[0], Q) else [q]
    return [dict(child.children if isinstance(child, Q) else [child]) for child in children]


def _kinds(q):
    kinds = set()
    for branch in _branches(q):
        keys = " ".join(branch)
        if "author_id" in keys:
            kinds.add("own")
        elif "association_id" in keys:
            kinds.add("association")
        elif "circle__in" in keys:
            kinds.add("school")
        else:
            kinds.add("network")
    return kinds


FULL = Viewer(school_id=1, network_id=7, staff_id=3, association_ids=(5,))


def test_a_full_viewer_sees_all_four_branches():
    assert _kinds(_queryset().visible_q(FULL)) == {"own", "association", "school", "network"}


@pytest.mark.parametrize(
    ("changes", "absent"),
    [
        ({"staff_id": None}, "own"),  # no card: no drafts of one's own
        ({"network_id": None}, "network"),  # outside a network: one's own school only
        ({"association_ids": ()}, "association"),
    ],
)
def test_a_branch_is_left_out_when_the_viewer_lacks_it(changes, absent):
    viewer = Viewer(**{**FULL.__dict__, **changes})
    kinds = _kinds(_queryset().visible_q(viewer))
    assert absent not in kinds
    assert kinds == {"own", "association", "school", "network"} - {absent}


def test_the_branches_name_the_right_circles():
    branches = _branches(_queryset().visible_q(FULL))
    assert {"author_id": 3} in branches
    assert {"circle": Circle.ASSOCIATION, "association_id__in": (5,)} in branches
    assert {"circle__in": (Circle.SCHOOL, Circle.NETWORK), "school_id": 1} in branches
    network = next(b for b in branches if b.get("circle") == Circle.NETWORK)
    subquery = network["school_id__any"]
    # The school's network is read now, from the schools table, never copied on the row.
    assert subquery.query.model is School
    sql = str(subquery.query)
    assert '"accounts_school"."network_id" = 7' in sql


def test_the_network_branch_is_an_index_condition_on_an_array_of_the_schools():
    # `IN (SELECT …)` inside an OR is a filter PostgreSQL runs over every network-circle row of
    # every network; `= ANY(ARRAY(SELECT …))` is computed once and searched in (school, circle).
    branches = _branches(_queryset().visible_q(FULL))
    schools = next(b for b in branches if b.get("circle") == Circle.NETWORK)["school_id__any"]
    sql = str(School.objects.filter(pk__any=schools).order_by().query)
    assert '"accounts_school"."id" = ANY((ARRAY(SELECT' in sql
    assert "ORDER BY" not in sql


def test_a_draft_is_matched_only_by_its_author():
    for branch in _branches(_queryset().visible_q(FULL)):
        if "author_id" not in branch:
            circles = branch.get("circle__in") or (branch["circle"],)
            assert Circle.DRAFT not in circles


def test_the_prefix_reaches_the_shared_row():
    # A row one step below its shared parent (a comment under its material) is
    # seen by the parent's circle; the school's model is found through the path.
    qs = _queryset("staff__", model=CategoryAward)
    branches = _branches(qs.visible_q(FULL))
    assert {"staff__author_id": 3} in branches
    assert {"staff__circle__in": (Circle.SCHOOL, Circle.NETWORK), "staff__school_id": 1} in branches
    network = next(b for b in branches if b.get("staff__circle") == Circle.NETWORK)
    assert network["staff__school_id__any"].query.model is School


def test_a_viewer_with_nothing_sees_nothing():
    q = _queryset().visible_q(Viewer(school_id=None))
    assert q == Q(pk__in=[])


def test_prepared_markers_compile_the_same_predicate():
    params = Viewer.params()
    branches = _branches(_queryset().visible_q(params))
    assert {"author_id": Param("staff_id")} in branches
    assert {"circle": Circle.ASSOCIATION, "association_id__any": ParamList("association_ids")} in branches
    assert {"circle__in": (Circle.SCHOOL, Circle.NETWORK), "school_id": Param("school_id")} in branches
    assert len(branches) == 4
    # The network branch is a shape of its own.
    assert len(_branches(_queryset().visible_q(Viewer.params(networked=False)))) == 3


def test_a_viewer_gives_its_shape_and_values():
    assert FULL.shape() == {"networked": True}
    assert FULL.values() == {"school_id": 1, "network_id": 7, "staff_id": 3, "association_ids": [5]}
    alone = Viewer(school_id=1, staff_id=None)
    assert alone.shape() == {"networked": False}
    # Without a card: an id no card has, so a prepared query's "one's own" branch finds nothing.
    assert alone.values() == {"school_id": 1, "staff_id": 0, "association_ids": []}


def test_a_viewer_of_a_staff_card_is_its_school_network_card_and_association():
    school = SimpleNamespace(pk=1, network_id=7)
    assert Viewer.of_staff(SimpleNamespace(pk=3, association_id=5, school=school)) == FULL
    assert Viewer.of_staff(None, school=school) == Viewer(1, 7, None, ())


def test_get_for_school_or_404_refuses_a_circle_scoped_queryset():
    # A same-school colleague could otherwise open a draft.
    with pytest.raises(TypeError):
        get_for_school_or_404(_queryset(), school=SimpleNamespace(pk=1), pk=1)


def test_get_visible_or_404_needs_a_circle_scoped_queryset():
    with pytest.raises(TypeError):
        get_visible_or_404(scoped_queryset("school")(model=StaffMember), viewer=FULL, pk=1)


def test_request_viewer_reads_school_and_card_once():
    school = SimpleNamespace(pk=1, network_id=7)
    staff = SimpleNamespace(pk=3, association_id=5)
    request = SimpleNamespace(school=school, staff=staff)
    viewer = request_viewer(request)
    assert viewer == FULL
    request.staff = None
    assert request_viewer(request) is viewer  # kept for the rest of the request


@pytest.mark.parametrize(
    ("school", "staff", "expected"),
    [
        (SimpleNamespace(pk=1, network_id=None), SimpleNamespace(pk=3, association_id=None), Viewer(1, None, 3, ())),
        (SimpleNamespace(pk=1, network_id=7), None, Viewer(1, 7, None, ())),  # an administrator without a card
        (None, None, Viewer(None, None, None, ())),
    ],
)
def test_request_viewer_without_network_card_or_association(school, staff, expected):
    assert request_viewer(SimpleNamespace(school=school, staff=staff)) == expected


def test_request_viewer_needs_no_staff_attribute():
    request = SimpleNamespace(school=SimpleNamespace(pk=2, network_id=None))
    assert request_viewer(request) == Viewer(2)
