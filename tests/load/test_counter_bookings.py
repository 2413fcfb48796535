"""Benchmark: counter bookings per second through the HTTP API (gunicorn, PostgreSQL).

    make bench PYTEST_ARGS=tests/load/test_counter_bookings.py
    # or as a script (same environment as `make bench`):
    .venv/bin/python tests/load/test_counter_bookings.py

All on this machine, loopback only (tests/load/harness.py):
1. a scratch database (dakghar_bench_counter) beside DATABASE_URL's, migrated (tariff
   and demo PIN directory come with the migrations), 16 counter clerks each with an API
   token and an open till (counter.services.till_session_open);
2. gunicorn on 127.0.0.1 (DEBUG off, 3 sync workers as in production) against it;
3. 16 client threads, one per clerk, POST /api/v1/counter/bookings/ for BENCH_SECONDS
   (20): one Speed Post article each (random weight, destination among the demo PINs,
   random add-ons), paid in cash into the clerk's till, a fresh Idempotency-Key each
   (a new connection whenever the server closes one: sync workers do after every answer);
4. checks: no 5xx, every 201 is one booking with one article and one S10 number, the
   tills grew by exactly what was booked, `manage.py ledger_check` clean;
5. pgbench's tpcb-like on the same server for the same time, for comparison.
Prints bookings/s, p50/p99 latency and the CPU per request of gunicorn, PostgreSQL and
the load generator, and writes var/bench/counter.json.

Knobs: see tests/load/harness.py (BENCH_SECONDS, BENCH_CLIENTS, BENCH_WORKERS (3),
BENCH_THREADS (1), BENCH_WORKER_CLASS (sync), BENCH_KEEPALIVE, BENCH_GUNICORN_CONF, BENCH_PGBENCH).
Target (issue 4): at least 300 bookings/s with p99 under 100 ms on 2 cores.
BENCH_ASSERT_TARGET=1 fails the test when it is missed.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

import pytest

if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.load import harness

BENCH_DB = "dakghar_bench_counter"
PGBENCH_DB = "dakghar_bench_pgbench"
SERVER = harness.Server.from_env(workers=3)
DESTINATIONS = ["812001", "812002", "813210", "800001", "700001", "226001", "110001", "400001", "600001", "695001"]

pytestmark = pytest.mark.load

SETUP_SCRIPT = """
import json
from rest_framework.authtoken.models import Token
from accounts.models import Role, User
from accounts.personas import demo_places
from counter import services

office = demo_places().head_office
tokens = []
for i in range(CLIENTS):
    clerk, _ = User.objects.get_or_create(
        username=f"bench_clerk_{i}", defaults={"role": Role.COUNTER_CLERK, "post_office": office}
    )
    services.till_session_open(clerk=clerk, denominations={"500": 10})
    tokens.append(Token.objects.get_or_create(user=clerk)[0].key)
print(json.dumps({"tokens": tokens}))
"""

TOTALS_SCRIPT = """
import json
from django.db.models import Sum
from banking.models import LedgerAccount
from counter.models import Booking, BookingArticle
print(json.dumps({
    "tills": LedgerAccount.objects.filter(kind="till").aggregate(s=Sum("balance_paise"))["s"] or 0,
    "bookings": Booking.objects.count(),
    "articles": BookingArticle.objects.count(),
    "numbers": BookingArticle.objects.values("article_number").distinct().count(),
    "booked_paise": Booking.objects.aggregate(s=Sum("total_paise"))["s"] or 0,
}))
"""


def _booking(rng: random.Random) -> tuple[str, dict, None]:
    addons = rng.choice([[], ["registration"], ["otp"], ["otp", "registration"]])
    body = {
        "articles": [
            {
                "service": rng.choice(["speed_post", "speed_post", "speed_post_parcel"]),
                "weight_g": rng.randint(10, 2000),
                "addons": addons,
                "sender": {"name": "Bench Sender", "address": "Station Road, Bhagalpur", "pin": "812001"},
                "recipient": {
                    "name": "Bench Recipient",
                    "address": "Main Road",
                    "pin": rng.choice(DESTINATIONS),
                    "mobile": "9876543210",
                },
            }
        ],
        "payment": {"method": "cash"},
    }
    return "/api/v1/counter/bookings/", body, None


def _s10_ok(number: str) -> bool:
    return len(number) == 13 and number.endswith("IN") and number[:1] == "E"


def run_benchmark() -> dict:
    load_at_start = [round(x, 2) for x in os.getloadavg()]  # before anything of ours runs
    url = harness.db_url(BENCH_DB)
    harness.recreate_database(url)
    env = harness.bench_env(url)
    harness.manage(env, "migrate", "--noinput", "-v", "0")
    setup = harness.shell_json(env, SETUP_SCRIPT.replace("CLIENTS", str(harness.CLIENTS)))
    before = harness.shell_json(env, TOTALS_SCRIPT)
    load = harness.http_load(env=env, server=SERVER, tokens=setup["tokens"][: harness.CLIENTS], make_request=_booking)
    after = harness.shell_json(env, TOTALS_SCRIPT)
    exit_code, output = harness.ledger_check(env)
    harness.drop_database(url)
    pg = harness.pgbench_tpcb(harness.db_url(PGBENCH_DB))
    booked = [json.loads(payload) for status, _, payload in load.answers + load.warm_answers if status == 201]
    http = {
        **load.summary,
        "bookings_total": len(booked),
        "booked_paise": sum(b["total_paise"] for b in booked),
        "bad_numbers": sum(
            1 for b in booked if len(b["articles"]) != 1 or not _s10_ok(b["articles"][0]["article_number"])
        ),
    }
    report = {
        "http_bookings": http,
        "pgbench_tpcb_like": pg,
        "ledger_check_exit": exit_code,
        "ledger_check_output": output,
        "totals": {"before": before, "after": after},
        "cpus": os.cpu_count(),
        "load_average_at_start": load_at_start,
    }
    harness.write_report("counter", report)
    return report


def _print(report: dict) -> None:
    print(harness.summary_line("HTTP bookings", report["http_bookings"]))
    print(f"pgbench tpcb-like: {report['pgbench_tpcb_like']}")
    print(f"load average (1, 5, 15 min) when the benchmark started: {report['load_average_at_start']}")
    print(f"ledger_check exit {report['ledger_check_exit']}: {report['ledger_check_output']}")


def test_counter_bookings_per_second():
    report = run_benchmark()
    _print(report)
    h = report["http_bookings"]
    before, after = report["totals"]["before"], report["totals"]["after"]
    assert report["ledger_check_exit"] == 0, report["ledger_check_output"]
    assert not [code for code in h["statuses"] if code.startswith("5")], h["statuses"]
    assert h["client_errors"] == 0 and h["bad_numbers"] == 0
    assert after["bookings"] - before["bookings"] == h["bookings_total"]
    assert after["articles"] - before["articles"] == h["bookings_total"]
    assert after["numbers"] == after["articles"]  # every S10 number different
    # All cash: the tills grew by exactly what the receipts say.
    assert after["tills"] - before["tills"] == h["booked_paise"] == after["booked_paise"] - before["booked_paise"]
    if os.environ.get("BENCH_ASSERT_TARGET") == "1":
        assert h["per_second"] >= 300 and h["p99_ms"] < 100, h


if __name__ == "__main__":
    _print(run_benchmark())
