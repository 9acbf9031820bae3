"""When a signed-in person's snapshot (apps/accounts/snapshots.py) is out of date.

A snapshot is kept under the versions of the person's account and of all accounts
as they were when it was read from PostgreSQL; it serves a request only while both
versions are still the same. A change to a user or their memberships forgets the
user's version (`account_changed`), a change to a school or a network of schools the
versions of all (`accounts_changed`): the next request reads PostgreSQL again and
keeps a new snapshot under new versions. The version is forgotten when the change is
made and again when its transaction commits, so that a snapshot read in between,
before the change was visible, is not kept either.

Every write to these tables goes through Django's save/delete (signals, connected
in receivers.py) or the tables' querysets (`AccountQuerySet`): both call here.
This is the one cache kept coherent by the models themselves, as Django's sites
framework keeps its cache: a missed change would sign someone in with rights they
no longer have.
"""

from django.db import models, transaction

from apps.core.forget import cache_forget

GLOBAL_VERSION_KEY = "accounts:version"
USER_VERSION_PREFIX = "accounts:version:"


def user_version_key(user_id):
    return f"{USER_VERSION_PREFIX}{user_id}"


def account_changed(*, user_id):
    """The user `user_id` or their memberships changed: their snapshots are out of date."""
    _forget(user_version_key(user_id))


def accounts_changed():
    """A school, a network, or accounts in bulk changed: every snapshot is out of date."""
    _forget(GLOBAL_VERSION_KEY)


def _forget(key):
    cache_forget([key])
    transaction.on_commit(lambda: cache_forget([key]))


class AccountQuerySet(models.QuerySet):
    """A queryset whose bulk writes (which send no signals) make every snapshot out of date."""

    def update(self, **kwargs):
        changed = super().update(**kwargs)
        accounts_changed()
        return changed

    def bulk_create(self, *args, **kwargs):
        created = super().bulk_create(*args, **kwargs)
        accounts_changed()
        return created

    def bulk_update(self, *args, **kwargs):
        changed = super().bulk_update(*args, **kwargs)
        accounts_changed()
        return changed
