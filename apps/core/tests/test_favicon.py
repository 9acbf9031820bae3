"""The site's icon: /favicon.ico answers on every page, whoever asks and whatever
step of signing in they are at, and every page links the icon."""

from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from apps.accounts.tests.factories import TOTPDeviceFactory, UserFactory
from conftest import client_for

ICO_HEADER = b"\x00\x00\x01\x00"  # reserved 0, type 1 (icon)


def _anonymous(request):
    return client_for(None)


def _teacher(request):
    return client_for(request.getfixturevalue("teacher"))


def _administrator_before_the_code(request):
    """Signed in with the password; every page of theirs sends them to the code."""
    administrator = request.getfixturevalue("administrator")
    TOTPDeviceFactory(user=administrator)
    client = Client()
    client.force_login(administrator)
    assert client.get(reverse("home")).status_code == 302
    return client


def _user_of_no_school(request):
    return client_for(UserFactory())


@pytest.mark.parametrize("make_client", [_anonymous, _teacher, _administrator_before_the_code, _user_of_no_school])
def test_favicon_ico_answers_whoever_asks(make_client, request, db):
    response = make_client(request).get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content).startswith(ICO_HEADER)


class _IconLinks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.icons = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") == "icon":
            self.icons.append(attributes)


@pytest.mark.parametrize("name", ["login", "password_reset"])
def test_every_page_links_the_icon(name, db):
    parser = _IconLinks()
    parser.feed(client_for(None).get(reverse(name)).content.decode())
    hrefs = {icon.get("type", ""): icon["href"] for icon in parser.icons}
    assert hrefs[""] == "/favicon.ico"
    svg = hrefs["image/svg+xml"]
    path = finders.find(svg.removeprefix("/static/"))
    assert path, f"{svg} is not among the static files"
    with open(path, encoding="utf-8") as icon:
        assert icon.read().startswith("<svg ")
