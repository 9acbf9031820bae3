"""The session engine: Django's cached_db (sessions in PostgreSQL, read from Redis),
except that a Redis that is down or frozen only slows a request (to its socket
timeout) instead of failing it: the session is then read from PostgreSQL. Ending a
session still fails loudly when Redis cannot forget it, so that a signed-out session
never comes back from the cache."""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)


class SessionStore(CachedDBStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("session cache unreadable: reading the session from the database", exc_info=True)
            return self._load_from_db(cache=False)
        if data is None:
            return self._load_from_db(cache=True)
        return data

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
        """The cache keys of these sessions (to forget sessions deleted in bulk)."""
        return [cls.cache_key_prefix + key for key in session_keys]
