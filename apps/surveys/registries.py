"""What apps above surveys contribute to it, registered from their AppConfig.ready().

Kept free of models so that an app's apps.py may import it.
"""

from apps.core.registry import Registry

# The ties the programme made between colleagues (lesson visits, pairs and
# triads, task teams) are read by the app that sees all three (dashboards); an
# analysed round shows which of them the staff named. A reader is called with
# school, start and end (dates, both included) and returns rows with `a`, `b`
# (staff ids) and how many `visits`, `groups` and `teams` tie them.
PROGRAMME_TIE_READERS = Registry("readers of the ties the programme made")
