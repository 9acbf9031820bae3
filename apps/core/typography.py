"""Russian typographic quotes. A name is put in «ёлочки» once; quotes already
inside it become the inner „лапки“, so «Классный час „Книга или ролик?“» is
never printed as «Классный час «Книга или ролик?»»."""

import re

_STRAIGHT = re.compile(r'"([^"]*)"')


def _inner(text: str) -> str:
    text = _STRAIGHT.sub("\u201e\\1\u201c", text)
    return text.replace("«", "\u201e").replace("»", "\u201c")


def _wrapped_whole(text: str) -> bool:
    """The whole text is one quotation: «…» with its own quotes balanced inside."""
    if not (text.startswith("«") and text.endswith("»")):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += char == "«"
        depth -= char == "»"
        if depth == 0 and position < len(text) - 1:
            return False
    return depth == 0


def quoted(text) -> str:
    """`text` in «», its own quotes turned into „“; a text that is already one
    quotation is left as it is (with its inner quotes made „“)."""
    text = str(text).strip()
    if not text:
        return ""
    if _wrapped_whole(text):
        return f"«{_inner(text[1:-1])}»"
    return f"«{_inner(text)}»"
