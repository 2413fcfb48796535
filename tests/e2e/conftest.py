import os

import pytest


@pytest.fixture(autouse=True, scope="module")
def allow_sync_orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread, so Django's async-safety
    check would refuse ORM calls in test setup. Allowed for browser modules only, and
    taken back afterwards so it does not leak into other tests or their subprocesses."""
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if before is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before
