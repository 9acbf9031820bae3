import pytest
from django.urls import reverse, set_script_prefix

from apps.core.links import row_link


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("staff:detail", {"pk": 5}),
        ("staff:detail", {"pk": 123456}),
        ("dashboards:network", {"network_id": 7}),
    ],
)
def test_a_row_link_is_what_reverse_gives(name, kwargs):
    link = row_link(name, *kwargs)
    assert link(**kwargs) == link.pattern().format(**kwargs) == reverse(name, kwargs=kwargs)


def test_a_row_link_follows_the_script_prefix():
    link = row_link("staff:detail")
    try:
        set_script_prefix("/school/")
        assert link(pk=9) == reverse("staff:detail", kwargs={"pk": 9}) == "/school/staff/9/"
        assert link.pattern().format(pk=9) == "/school/staff/9/"
    finally:
        set_script_prefix("/")
    assert link(pk=9) == "/staff/9/"
