"""Cache keys that must be forgotten, even when Redis cannot be reached at that moment.

Some reads trust Redis: a signed-in request's session and the person's snapshot
beside it (apps/accounts/snapshots.py). Ending a session or changing an account
deletes their keys; when Redis is down or frozen right then, the delete fails and
the keys would come back with Redis. This process keeps such keys (`cache_forget`)
and deletes them before it trusts Redis again (`cache_forget_owed`), so the request
that follows an outage in this process reads PostgreSQL instead. Other processes
are covered by the snapshot's short lifetime (SIGNED_IN_SNAPSHOT_SECONDS).
"""

import logging
import threading

from django.conf import settings
from django.core.cache import caches

logger = logging.getLogger(__name__)

_owed = set()
_lock = threading.Lock()


def cache_forget(keys):
    """Delete `keys` from the cache now; whatever could not be deleted is owed."""
    keys = [key for key in keys if key]
    if not keys:
        return
    try:
        _cache().delete_many(keys)
    except Exception:
        logger.warning("cache unwritable: %d keys to forget are kept until it answers", len(keys), exc_info=True)
        with _lock:
            _owed.update(keys)


def cache_forget_owed():
    """Whether this process owes the cache no deletes: it tries the owed ones first."""
    if not _owed:
        return True
    with _lock:
        keys = list(_owed)
    try:
        _cache().delete_many(keys)
    except Exception:
        logger.warning("cache still unwritable: %d keys to forget are still kept", len(keys), exc_info=True)
        return False
    with _lock:
        _owed.difference_update(keys)
    return not _owed


def _cache():
    # The sessions' cache, where the keys that must not come back live.
    return caches[settings.SESSION_CACHE_ALIAS]
