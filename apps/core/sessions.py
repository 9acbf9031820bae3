"""The session engine: Django's cached_db (sessions in PostgreSQL, read from Redis),
except that a Redis that is down or frozen only slows a request (to its socket
timeout) instead of failing it: the session is then read from PostgreSQL, and written
or ended there alone. A session ended while Redis was down may still be in Redis when
it returns; `from_cache` says so, and the signed-in user is then read only if the
session's row still exists (apps/accounts/backends.py), so it never comes back.

Beside each session the cache may hold the signed-in person's snapshot
(`snapshot_key`, apps/accounts/snapshots.py); ending the session forgets both, and
keys that could not be deleted are owed by this process (apps/core/forget.py)."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore
from django.contrib.sessions.backends.db import SessionStore as DBStore

from .forget import cache_forget

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    snapshot_key_prefix = "signed-in-person:"
    # Whether the session data came from the cache, unconfirmed by its database row.
    from_cache = False

    def load(self):
        self.from_cache = False
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unreadable: reading the session from the database", exc_info=True)
            return self._load_from_db(cache=False)
        if data is None:
            return self._load_from_db(cache=True)
        self.from_cache = True
        return data

    def exists(self, session_key):
        try:
            if session_key and (self.cache_key_prefix + session_key) in self._cache:
                return True
        except Exception:
            logger.warning("session cache unreadable: looking the session up in the database", exc_info=True)
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        DBStore.save(self, must_create)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            # A warning like the other cache failures: the request goes on from the database.
            logger.warning("session cache unwritable: the session is saved in the database alone", exc_info=True)

    def delete(self, session_key=None):
        # The row goes first and for sure; a cache entry left behind (Redis down) is
        # harmless, since a session read from the cache is confirmed by its row.
        DBStore.delete(self, session_key)
        session_key = session_key or self.session_key
        if session_key is None:
            return
        cache_forget(self.cache_keys([session_key]))

    def _load_from_db(self, *, cache):
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        if cache:
            try:
                self._cache.set(self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date))
            except Exception:
                logger.warning("session cache unwritable", exc_info=True)
        return data

    @classmethod
    def cache_keys(cls, session_keys):
        """The cache keys of these sessions and of their snapshots (to forget them)."""
        return [cls.cache_key_prefix + key for key in session_keys] + [cls.snapshot_key(key) for key in session_keys]

    @classmethod
    def snapshot_key(cls, session_key):
        """Where the person signed in with this session is kept between requests."""
        return cls.snapshot_key_prefix + session_key
