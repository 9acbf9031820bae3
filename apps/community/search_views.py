"""The community's search page: materials and questions the person may see."""

from django.shortcuts import render
from django.utils.http import urlencode

from apps.community import search as community_search
from apps.core.tenancy import request_viewer, school_view


@school_view()
def search(request):
    """Any member of the school searches what their circles let them see; a bad
    filter is a form error shown with what was typed, never an error page."""
    viewer = request_viewer(request)
    subjects, tags = community_search.filter_names(viewer)
    form = community_search.SearchForm(request.GET or None, subjects=subjects, tags=tags)
    results, has_next, page, criteria = [], False, 1, None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        page = data["page"]
        criteria = community_search.Criteria(
            q=data["q"],
            what=data["what"],
            kind=data["kind"],
            subject=data["subject"],
            grade=data["grade"],
            circle=data["circle"],
            tag=data["tag"],
        )
    elif not form.is_bound:
        criteria = community_search.Criteria()
    if criteria is not None:
        results, has_next = community_search.search(viewer=viewer, criteria=criteria, page=page)
    kept = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "community/search.html",
        {
            "form": form,
            "results": results,
            "results_html": community_search.results_html(results),
            "page": page,
            "next_query": urlencode({**kept, "page": page + 1}) if has_next else "",
            "previous_query": urlencode({**kept, "page": page - 1}) if page > 1 else "",
            "searched": criteria is not None and bool(criteria.q),
        },
    )
