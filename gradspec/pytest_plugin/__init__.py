"""gradspec's pytest plugin, registered through the ``pytest11`` entry point.

It is inert unless a conformance run is asked for: a gradspec option given (``--adapter``...)
or gradspec's own suite among the paths to collect (``pytest --pyargs gradspec``, ``gradspec
run``).  Only then does it load Hypothesis profiles, the adapter and the specs; a plain ``pytest``
of another project with gradspec installed is left as it was.
"""

from __future__ import annotations

import pytest

from gradspec.pytest_plugin.options import add_options, conformance_requested


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's plugin loads --hypothesis-profile
def pytest_configure(config: pytest.Config) -> None:
    if conformance_requested(config):
        from gradspec.pytest_plugin.session import start

        start(config)
