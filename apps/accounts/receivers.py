"""The signals this app listens to: Django's sign-in, and the writes to accounts,
schools and networks that make a signed-in person's snapshot out of date
(apps/accounts/freshness.py)."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .freshness import account_changed, accounts_changed
from .models import Membership, School, SchoolNetwork, User
from .twofactor import signin_session_start


@receiver(user_logged_in, dispatch_uid="accounts_signin_session_start")
def _signin_session_start(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        signin_session_start(request=request, user=user)


@receiver(post_save, sender=User, dispatch_uid="accounts_user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts_user_deleted")
def _user_changed(sender, instance, **kwargs):
    account_changed(user_id=instance.pk)


@receiver(post_save, sender=Membership, dispatch_uid="accounts_membership_saved")
@receiver(post_delete, sender=Membership, dispatch_uid="accounts_membership_deleted")
def _membership_changed(sender, instance, **kwargs):
    account_changed(user_id=instance.user_id)


@receiver(post_save, sender=School, dispatch_uid="accounts_school_saved")
@receiver(post_delete, sender=School, dispatch_uid="accounts_school_deleted")
@receiver(post_save, sender=SchoolNetwork, dispatch_uid="accounts_network_saved")
@receiver(post_delete, sender=SchoolNetwork, dispatch_uid="accounts_network_deleted")
@receiver(m2m_changed, sender=SchoolNetwork.coordinators.through, dispatch_uid="accounts_coordinators_changed")
def _schools_changed(sender, action=None, **kwargs):
    if action is None or action.startswith("post_"):
        accounts_changed()
