"""Links for the rows of a list without a `reverse()` per row.

A list of fifty rows with two links each spent milliseconds in the URL resolver
alone. `row_link(name)` reverses the route once per process (and script prefix)
with marker values, then fills in each row's values by string formatting, so a
row's link costs a `str.format`. The result is the same string `reverse()` gives
(tested), for routes whose arguments are integers or slugs.
"""

import functools

from django.urls import get_script_prefix, reverse

# Marker values that no real argument equals; each is replaced by a format field.
_MARKERS = ("7000000001", "7000000002", "7000000003")


@functools.lru_cache(maxsize=512)
def _pattern(name, names, prefix):
    kwargs = dict(zip(names, _MARKERS, strict=False))
    path = reverse(name, kwargs=kwargs)
    for marker, kwarg in zip(_MARKERS, names, strict=False):
        if path.count(marker) != 1:
            raise ValueError(f"{name}: cannot build a row link for {kwarg!r}")
        path = path.replace(marker, "{" + kwarg + "}")
    return path


def row_link(name, *names):
    """A function making the URL of route `name` from its keyword arguments `names`
    (default `pk`): `detail = row_link("staff:detail"); detail(pk=3)`."""
    names = names or ("pk",)

    def link(**kwargs):
        return _pattern(name, names, get_script_prefix()).format(**kwargs)

    def pattern():
        """The link as a `str.format` pattern of `names`, for a whole list: `pattern().format(pk=3)`."""
        return _pattern(name, names, get_script_prefix())

    link.pattern = pattern
    return link


@functools.lru_cache(maxsize=256)
def _fixed(name, prefix):
    return reverse(name)


def fixed_link(name):
    """The URL of route `name`, which takes no arguments: reversed once per process
    (and script prefix). The navbar of every page links some thirty such routes."""
    return _fixed(name, get_script_prefix())
