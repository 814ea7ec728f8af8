"""Root conftest: the gradspec pytest plugin and the Hypothesis profiles."""
from gradspec.profiles import register_profiles

pytest_plugins = ["gradspec.plugin"]

register_profiles()
