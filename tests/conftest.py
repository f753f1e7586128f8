import contextlib

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Flood limits, rule versions and cached lists must not leak from one test to the next."""
    from django.core.cache import caches

    for cache in caches.all():
        # A cache server that is down is the business of the test that took it down.
        with contextlib.suppress(Exception):
            cache.clear()
    yield
