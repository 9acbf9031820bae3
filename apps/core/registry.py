"""Named contributions that apps make to a lower layer.

A lower layer that must hear from apps above it (a teacher's load across pairs and
teams, the items of a calendar) keeps a Registry; each app adds its function from
its AppConfig.ready(), so the lower layer never imports the apps and a new app
joins by registering, without editing the lower layer.
"""


class Registry:
    def __init__(self, what):
        self.what = what
        self._entries = {}

    def register(self, name, function):
        """Add (or replace, on a second ready()) the contribution called `name`."""
        self._entries[name] = function
        return function

    def items(self):
        return list(self._entries.items())

    def __iter__(self):
        return iter(list(self._entries.values()))

    def __repr__(self):
        return f"<Registry of {self.what}: {', '.join(self._entries)}>"
