"""The Celery task keeps going while batches come back full."""

from __future__ import annotations

import pytest
from django.db import transaction

from notify.services import sms_queue
from notify.tasks import sms_relay

from .conftest import MOBILE

pytestmark = pytest.mark.django_db(transaction=True)


def test_task_sends_a_backlog_larger_than_one_batch(sms_file):
    with transaction.atomic():
        for n in range(120):
            sms_queue(to=MOBILE, template_key="notify.test", context={"n": str(n)}, lang="en")

    # Run in this process, as a worker would run it (the worker itself is exercised in test_broker).
    assert sms_relay.apply(kwargs={"batch": 50}).get() == 120
    assert len(sms_file.lines()) == 120
