"""Sign-in lockout that an attacker cannot aim at someone else (django-axes handler).

Two rules, each counted over the cool-off period (AXES_COOLOFF_HOURS):

- a (username, address) pair is locked after AXES_FAILURE_LIMIT failures: someone
  guessing `reviewer`'s password from one address locks only their own attempts, and
  the reviewer signs in from anywhere else with the right password;
- an address on its own is locked after AXES_ADDRESS_FAILURE_LIMIT failures whatever
  the usernames (one address trying many accounts).

Axes compares the largest count of its lockout parameters with one limit; this
handler gives the address its own, higher limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.db.models import Sum

PAIR = ["username", "ip_address"]
ADDRESS = "ip_address"
LOCKOUT_PARAMETERS = [PAIR, ADDRESS]  # the order get_user_attempts returns them in


class PairThenAddressHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The pair's failures; the lockout figure when the address alone is over its limit."""
        pair_attempts, address_attempts = self.get_user_attempts(request, credentials)
        pair = pair_attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        address = address_attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if address >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(pair, get_failure_limit(request, credentials))
        return pair
