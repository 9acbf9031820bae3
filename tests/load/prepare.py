"""Who the load test signs in as (run by bin/loadtest.sh after seed_demo).

    python -m tests.load.prepare PLAN.json

Writes every demo login with what the scenario needs to know about it: whether
it owes a two-factor code, its roles and capabilities in the school it lands in,
its registry card there, its colleagues (whose lessons it may plan to visit), the
demo visits awaiting its feedback, and the network it coordinates. The
locustfile reads this; it never imports Django.
"""

import json
import sys


def plan():
    import django

    django.setup()
    from django.conf import settings

    from apps.accounts.capabilities import CAPABILITIES
    from apps.accounts.models import User
    from apps.accounts.selectors import membership_current
    from apps.accounts.twofactor import twofactor_needed
    from apps.demo import accounts as demo
    from apps.staff.models import StaffMember
    from apps.visits.selectors import visits_awaiting_my_feedback

    users = []
    for login in demo.LOGINS:
        user = User.objects.get(email=login.email)
        _memberships, membership = membership_current(user=user)
        entry = {
            "email": user.email,
            "two_factor": twofactor_needed(user=user),
            "roles": list(membership.roles) if membership else [],
            "can": [name for name in CAPABILITIES if membership.can(name)] if membership else [],
            "staff_id": None,
            "colleagues": [],
            "awaiting": [],
            "network_id": user.coordinated_networks.values_list("pk", flat=True).first(),
            "time_zone": membership.school.time_zone if membership else None,
        }
        if membership is not None:
            staff = StaffMember.objects.filter(school=membership.school, is_active=True)
            me = staff.filter(user=user).first()
            if me is not None:
                entry["staff_id"] = me.pk
                entry["colleagues"] = list(staff.exclude(pk=me.pk).order_by("pk").values_list("pk", flat=True))
                awaiting = visits_awaiting_my_feedback(school=membership.school, staff=me)
                entry["awaiting"] = list(awaiting.values_list("pk", flat=True))
        users.append(entry)
    return {"password": settings.DEMO_PASSWORD, "totp_secret": demo.DEMO_TOTP_SECRET, "users": users}


if __name__ == "__main__":
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(plan(), out, ensure_ascii=False, indent=1)
