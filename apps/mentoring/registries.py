"""What apps above mentoring contribute to it, registered from their AppConfig.ready().

Kept free of models so that an app's apps.py may import it.
"""

from apps.core.registry import Registry

# The problems apps see teachers of a curator's groups work on (visits: the
# problems observers tagged in debriefs). A source is called with school,
# curator_user and group_statuses and yields (tag id, staff id, group id).
CURATED_PROBLEM_SOURCES = Registry("problems seen in a curator's groups")
