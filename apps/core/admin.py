"""Shared pieces of the Django admin (this module registers nothing).

The app's own pages write through services that validate, check uploads by content,
refuse changes to erased cards and write the audit trail. The Django admin
saves models directly and would skip all of that, so the admins of the domain apps
are for looking things up only; the changes are made on the app's pages.
"""


class ReadOnlyAdminMixin:
    """No adding, changing or deleting, on the admin's pages and in its bulk actions.

    A superuser keeps the view permission, so the change list and each object's
    page still open, with every field shown read-only; a POST is refused (403).
    Works for a ModelAdmin and for an inline (whose permission methods take `obj`).
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
