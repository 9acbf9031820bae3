"""What every response must carry, for the URL walk and
the other tests that fetch pages: the security headers, a Content-Security-Policy
that runs no inline script, and HTML with nothing inline for it to refuse."""

from html.parser import HTMLParser

# Values a script-src (or the default-src it falls back to) must never hold:
# they would let an injected <script> or javascript: URL run.
UNSAFE_SCRIPT_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:"}
# Script types the browser runs; anything else (application/json of json_script) is data.
SCRIPT_TYPES = {"", "text/javascript", "module", "application/javascript"}


def parse_csp(header):
    """{'directive': ['source', ...]} of a Content-Security-Policy header."""
    policy = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0].lower()] = words[1:]
    return policy


def assert_security_headers(response):
    """The headers of any response of the site (HSTS only in production: see test_settings)."""
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    if response.get("Content-Type", "").startswith("text/html"):
        assert_strict_csp(response)


def assert_strict_csp(response):
    header = response.get("Content-Security-Policy")
    assert header, "an HTML response without a Content-Security-Policy"
    policy = parse_csp(header)
    script_src = policy.get("script-src", policy.get("default-src"))
    assert script_src, header
    assert not UNSAFE_SCRIPT_SOURCES & set(script_src), header
    assert "script-src-attr" not in policy and "script-src-elem" not in policy, header
    assert policy.get("object-src") == ["'none'"], header
    assert policy.get("frame-ancestors") == ["'none'"], header
    assert policy.get("base-uri") == ["'self'"], header
    assert policy.get("form-action") == ["'self'"], header
    assert "'unsafe-inline'" not in policy.get("style-src", policy["default-src"]), header


class _InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...> (an inline event handler)")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}> (an inline style)")
            elif name in {"href", "src", "action", "formaction"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}> (a javascript: URL)")
        runs = (attributes.get("type") or "").lower() in SCRIPT_TYPES
        if tag == "script" and not attributes.get("src") and runs:
            self.found.append("<script> without src (an inline script)")
        if tag == "style":
            self.found.append("<style> (an inline style sheet)")


def inline_code(html):
    """What in `html` the Content-Security-Policy would refuse: inline scripts,
    event handlers, javascript: URLs, style attributes and <style> elements."""
    finder = _InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def assert_nothing_inline(response):
    if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
        found = inline_code(response.content.decode())
        assert not found, found
