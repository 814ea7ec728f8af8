"""Hypothesis settings profiles.  Pick one with ``--hypothesis-profile NAME``; the default is
``ci`` when the ``CI`` environment variable is set, else ``dev``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_COMMON = settings(deadline=None, report_multiple_bugs=False, suppress_health_check=[HealthCheck.too_slow])

PROFILES = {
    # Fast local runs; failures found before are replayed first from the example database.
    "dev": settings(_COMMON, max_examples=30, print_blob=True),
    # Derandomized and database-free: two identical runs give identical outcomes.
    "ci": settings(_COMMON, max_examples=60, derandomize=True, database=None, print_blob=False),
    # Searching harder, for release checks of a library.
    "thorough": settings(_COMMON, max_examples=500, print_blob=True),
}


#: Examples per operator of each ``over: operators`` spec, by profile (at most the profile's own
#: budget).  A wrong derivative shows on almost any input, so a few examples per operator and
#: property find it; the thorough profile searches the domains harder.
OPERATOR_EXAMPLES = {"dev": 8, "ci": 10, "thorough": 100}


def operator_examples() -> int:
    """The operator budget of the loaded profile (a profile of its own: 10, or its budget if lower)."""
    current, loaded = settings.get_current_profile_name(), settings.default
    budget = OPERATOR_EXAMPLES.get(current, 10)
    return budget if loaded is None else min(budget, loaded.max_examples)


def register_profiles() -> str:
    """Register every profile and load the default one; returns its name."""
    for name, profile in PROFILES.items():
        settings.register_profile(name, profile)
    default = "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false") else "dev"
    settings.load_profile(default)
    return default
