"""Hypothesis settings profiles.  Pick one with ``--hypothesis-profile NAME``; the default is
``ci`` when the ``CI`` environment variable is set, else ``dev``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

#: Hypothesis's explain phase is left out: a failure's message gives the shrunk counterexample in
#: the spec's own terms and a replay command, and explaining it would rerun the test case dozens of
#: times per failure (seconds per failing spec).
_PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
#: Built on Hypothesis's own "default" profile, not on whichever is loaded when this module is
#: imported: Hypothesis loads its "ci" profile (derandomized, no database) wherever a ``CI``
#: variable is set, even empty, and the dev and thorough profiles would otherwise inherit it.
_COMMON = settings(
    settings.get_profile("default"),
    deadline=None,
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow],
    phases=_PHASES,
)

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
OPERATOR_EXAMPLES = {"dev": 4, "ci": 10, "thorough": 100}


#: Test cases shrinking one operator case's failure may run, by profile (``None``: no limit).  A
#: library without an operator's dtype or derivative fails hundreds of operator cases, each of
#: which Hypothesis would otherwise shrink for hundreds of test cases; the verdict never depends
#: on it, and the counterexample after this budget is already small.
OPERATOR_SHRINK_BUDGET: dict[str, int | None] = {"dev": 50, "ci": 50, "thorough": None}


def operator_shrink_budget() -> int | None:
    """The operator shrink budget of the loaded profile (50 for a profile of its own)."""
    return OPERATOR_SHRINK_BUDGET.get(settings.get_current_profile_name(), 50)


def operator_examples() -> int:
    """The operator budget of the loaded profile (a profile of its own: 10, or its budget if lower)."""
    current, loaded = settings.get_current_profile_name(), settings.default
    budget = OPERATOR_EXAMPLES.get(current, 10)
    return budget if loaded is None else min(budget, loaded.max_examples)


#: The profile a gated run (``--baseline``) loads when none is named: a gate must give the same
#: verdict twice, and a baseline is recorded from, and checked against, the same draws.
GATE_PROFILE = "ci"


def register_profiles(*, gating: bool = False) -> str:
    """Register every profile and load the default one (``ci`` under ``CI`` or when ``gating``,
    else ``dev``); returns its name.  ``--hypothesis-profile`` still overrides it."""
    for name, profile in PROFILES.items():
        settings.register_profile(name, profile)
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    default = GATE_PROFILE if in_ci or gating else "dev"
    settings.load_profile(default)
    return default
