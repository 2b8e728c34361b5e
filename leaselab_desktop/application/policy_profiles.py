"""The policy profiles a site may be set to, for the Settings dialog (the GUI never reads the policy)."""

from __future__ import annotations

from functools import lru_cache

from leaselab_desktop.screening.policy import load_policy

FOLLOW_PROPERTY = "Follow the property's province or state"


@lru_cache(maxsize=1)
def profile_choices() -> tuple[tuple[str, str], ...]:
    """(name, what an agent reads) for each profile; "" = no override, the property decides."""
    policy = load_policy()
    return (("", FOLLOW_PROPERTY),
            *((name, f"{prof.title} profile") for name, prof in policy.profiles.items()))
