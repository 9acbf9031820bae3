"""The signed-in person between requests: their user, memberships, schools and
networks, kept in the cache beside the session instead of read from PostgreSQL on
every request.

Every signed-in request needs them before anything else (the one query of
`user_with_memberships`, with a health check of the connection: two PostgreSQL round
trips, a third of a bare page's time under load). The snapshot is read in the same
Redis round trip as the versions it was kept under (apps/accounts/freshness.py) and
serves only while they are unchanged, so a deactivated account, a removed
membership, a new role or a school's new time zone count from the next request.

- Key: the session's (`SessionStore.snapshot_key`), so ending a session forgets its
  snapshot with it; the value names the user it belongs to, checked on reading.
- Kept SIGNED_IN_SNAPSHOT_SECONDS (30 s), and made only from a read that confirmed
  the session's row when the session came from the cache: a session ended while
  Redis could not be told is refused by this process at once (apps/core/forget.py)
  and by the others within that time.
- With Redis down, or a delete still owed, or SIGNED_IN_SNAPSHOT_SECONDS = 0, the
  person is read from PostgreSQL as before.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches

from apps.core.forget import cache_forget_owed
from apps.core.sessions import SessionStore

from .freshness import GLOBAL_VERSION_KEY, user_version_key
from .selectors import user_with_memberships

logger = logging.getLogger(__name__)


def signed_in_user(*, user_id, session_key, confirm_session):
    """The user `user_id` with their memberships (None if there is no such user, or
    `confirm_session` and the session's row is gone), from the snapshot kept for
    `session_key` when it is still true, otherwise from PostgreSQL (then kept)."""
    seconds = settings.SIGNED_IN_SNAPSHOT_SECONDS
    if session_key is None or seconds <= 0 or not cache_forget_owed():
        return _read(user_id, session_key, confirm_session)
    cache = caches[settings.SESSION_CACHE_ALIAS]
    snapshot_key = SessionStore.snapshot_key(session_key)
    version_keys = (user_version_key(user_id), GLOBAL_VERSION_KEY)
    try:
        found = cache.get_many([snapshot_key, *version_keys])
        versions = tuple(found.get(key) for key in version_keys)
        snapshot = found.get(snapshot_key)
        if snapshot is not None and snapshot[0] == user_id and snapshot[1] == versions and None not in versions:
            return snapshot[2]
        if None in versions:
            # A version never given (or evicted): give one, and keep whichever won.
            for key, version in zip(version_keys, versions, strict=True):
                if version is None:
                    cache.add(key, uuid.uuid4().hex, timeout=None)
            versions = tuple(cache.get_many(version_keys).get(key) for key in version_keys)
    except Exception:
        logger.warning("snapshot cache unreadable: reading the signed-in person from the database", exc_info=True)
        return _read(user_id, session_key, confirm_session)
    # Versions first, the database second: a change committed after this read has
    # already replaced a version, so what is kept below never serves.
    user = _read(user_id, session_key, confirm_session)
    if user is not None and None not in versions:
        try:
            cache.set(snapshot_key, (user_id, versions, user), seconds)
        except Exception:
            logger.warning("snapshot cache unwritable", exc_info=True)
    return user


def _read(user_id, session_key, confirm_session):
    return user_with_memberships(user_id=user_id, session_key=session_key if confirm_session else None)
