"""What a list's search box searches for."""

MAX_SEARCH_WORDS = 5


def search_words(value):
    """The words of a search box that count: the first five (each is a condition of the
    query, and each count of words a shape of a prepared query)."""
    return value.split()[:MAX_SEARCH_WORDS]
