import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import caches

    for cache in caches.all():
        try:
            cache.clear()
        except Exception:  # a cache server that is down is the test's own business
            pass
    yield
