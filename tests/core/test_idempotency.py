"""core.idempotency: Stripe's rules, once, for every keyed POST."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.exceptions import (
    Conflict,
    DomainError,
    IdempotencyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyMissing,
    IdempotencyKeyReused,
)
from core.idempotency import idempotency_purge, idempotent, key_digest, served_key
from core.models import IdempotencyKey


class Counter:
    """A `run` that counts its calls: the change a request makes."""

    def __init__(self, status: int = 201, body: bytes = b'{"n": 1}') -> None:
        self.calls = 0
        self.status, self.body = status, body

    def __call__(self) -> tuple[int, bytes]:
        self.calls += 1
        return self.status, self.body


def call(run, *, key="k-1", sender="user:1", scope="s", data=None):
    return idempotent(key=key, sender=sender, scope=scope, data=data or {"amount": 1}, run=run)


@pytest.mark.django_db
@pytest.mark.parametrize("key", [None, ""])
def test_a_missing_key_is_refused_and_nothing_runs(key):
    run = Counter()
    with pytest.raises(IdempotencyKeyMissing) as refused:
        call(run, key=key)
    assert refused.value.status == 400
    assert run.calls == 0


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["x" * 256, "naïve", "tab\there", "line\nbreak"])
def test_a_key_is_1_to_255_printable_ascii(key):
    with pytest.raises(IdempotencyKeyInvalid):
        call(Counter(), key=key)
    assert call(Counter(), key="~" * 255).status == 201


@pytest.mark.django_db
def test_a_replay_gives_the_same_status_and_bytes_and_runs_nothing():
    run = Counter(201, b'{"entry": 7, "balance": "\xe2\x82\xb9"}')
    first = call(run)
    again = call(run, data={"amount": 1})
    assert (again.status, again.body, again.replayed) == (first.status, first.body, True)
    assert run.calls == 1


@pytest.mark.django_db
def test_the_same_key_with_another_body_or_scope_is_422():
    run = Counter()
    call(run)
    with pytest.raises(IdempotencyKeyReused) as other_body:
        call(run, data={"amount": 2})
    assert other_body.value.status == 422
    with pytest.raises(IdempotencyKeyReused):
        call(run, scope="another endpoint")
    assert run.calls == 1


@pytest.mark.django_db
def test_another_senders_same_key_is_independent():
    run = Counter()
    call(run, sender="user:1")
    theirs = call(run, sender="user:2", data={"amount": 2})
    assert theirs.replayed is False
    assert run.calls == 2
    assert IdempotencyKey.objects.filter(digest=key_digest(sender="user:2", key="k-1")).exists()


@pytest.mark.django_db
def test_a_refusal_is_an_answer_and_is_replayed():
    class Declined(DomainError):
        code = "declined"
        status = 422

    calls = []

    def run():
        calls.append(1)
        raise Declined("no money")

    first = call(run)
    again = call(run)
    assert first.status == again.status == 422
    assert again.body == first.body and b'"declined"' in first.body
    assert len(calls) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("status", [400, 409, 429])
def test_an_answer_that_depends_on_a_passing_state_is_not_kept(status):
    class Passing(Conflict):
        pass

    Passing.status = status
    calls = []

    def run():
        calls.append(1)
        if len(calls) == 1:
            raise Passing("not yet")
        return 201, b"done"

    assert call(run).status == status
    assert call(run) == (201, b"done", False)
    assert len(calls) == 2


@pytest.mark.django_db
def test_the_key_being_served_is_known_inside_run_only():
    seen = []
    call(lambda: (seen.append(served_key()), (201, b"x"))[1], key="client-key")
    assert seen[0].key == "client-key"
    assert seen[0].digest == key_digest(sender="user:1", key="client-key")
    assert served_key() is None


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_while_the_first_is_in_flight_is_409_then_replayed():
    """Two real PostgreSQL connections: the first holds its key inside run() while the
    duplicate arrives on another thread's connection."""
    inside, release = threading.Event(), threading.Event()
    outcome: dict = {}

    def slow():
        inside.set()
        release.wait(10)
        return 201, b'{"first": true}'

    def first():
        try:
            outcome["first"] = call(slow, key="slow")
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert inside.wait(10)
    duplicate = Counter(201, b"second")
    try:
        with pytest.raises(IdempotencyInProgress) as in_flight:
            call(duplicate, key="slow")
        assert in_flight.value.status == 409
    finally:
        release.set()
        thread.join(10)
    assert outcome["first"] == (201, b'{"first": true}', False)
    assert call(duplicate, key="slow") == (201, b'{"first": true}', True)
    assert duplicate.calls == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_run_once():
    n = 8
    barrier = threading.Barrier(n)
    run = Counter(201, b"once")
    answers: list = []

    def worker():
        try:
            barrier.wait()
            try:
                answers.append(call(run, key="twin").status)
            except IdempotencyInProgress:
                answers.append(409)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert run.calls == 1
    assert 201 in answers and set(answers) <= {201, 409}
    assert IdempotencyKey.objects.count() == 1


def _key_row(digest: str, hours_old: float) -> IdempotencyKey:
    return IdempotencyKey(
        digest=digest.ljust(64, "0"),
        scope="s",
        fingerprint="f",
        response_status=201,
        response_body=b"x",
        created_at=timezone.now() - timedelta(hours=hours_old),
    )


@pytest.mark.django_db
def test_keys_are_purged_after_48_hours_in_batches(settings):
    assert settings.IDEMPOTENCY_HOURS == 48
    IdempotencyKey.objects.bulk_create([_key_row(f"old{i}", 49) for i in range(5)] + [_key_row("young", 47)])
    with CaptureQueriesContext(connection) as queries:
        assert idempotency_purge(batch_size=2) == 5
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 3  # 2 + 2 + 1 rows: no statement holds the whole backlog
    assert list(IdempotencyKey.objects.values_list("digest", flat=True)) == ["young".ljust(64, "0")]
    with pytest.raises(ValueError):
        idempotency_purge(older_than=timedelta(hours=1))


def test_the_purge_runs_from_beat(settings):
    from config.celery import app

    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "core.tasks.idempotency_purge")
    assert entry["schedule"] <= 3600
    app.loader.import_default_modules()
    assert "core.tasks.idempotency_purge" in app.tasks
