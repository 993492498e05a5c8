"""Fixtures of the end-to-end tests."""

from tests.e2e.site import make_site  # noqa: F401  (fixture)
