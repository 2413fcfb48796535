"""Benchmark: counter bookings per second through the HTTP API (gunicorn, PostgreSQL).

    make bench PYTEST_ARGS=tests/load/test_counter_bookings.py
    # or as a script (same environment as `make bench`):
    .venv/bin/python tests/load/test_counter_bookings.py

All on this machine, loopback only:
1. a scratch database (dakghar_bench_counter) beside DATABASE_URL's, migrated (tariff
   and demo PIN directory come with the migrations), 16 counter clerks each with an API
   token and an open till (counter.services.till_session_open);
2. gunicorn on 127.0.0.1 (DEBUG off) against it;
3. 16 client threads, one per clerk, POST /api/v1/counter/bookings/ for BENCH_SECONDS
   (20): one Speed Post article each (random weight, destination among the demo PINs,
   random add-ons), paid in cash into the clerk's till, a fresh Idempotency-Key each,
   over keep-alive connections;
4. checks: no 5xx, every 201 is one booking with one article and one S10 number, the
   tills grew by exactly what was booked, `manage.py ledger_check` clean.
Prints bookings/s and p50/p99 latency and writes var/bench/counter.json.

Tunables: BENCH_SECONDS, BENCH_CLIENTS, BENCH_WORKERS, BENCH_THREADS (shared with the
banking benchmark, whose scratch-database and gunicorn helpers this file reuses).
Target (issue 4): at least 300 bookings/s with p99 under 100 ms on 2 cores.
BENCH_ASSERT_TARGET=1 fails the test when it is missed.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# One implementation of the scratch database, environment and server start-up for all
# benchmarks: banking's (tests/load/test_banking_withdrawals.py).
from tests.load.test_banking_withdrawals import (  # noqa: E402
    GUNICORN,
    PYTHON,
    _db_url,
    _env,
    _free_port,
    _manage,
    _percentile,
    _pg_args,
    _recreate_database,
    _wait_until_up,
)

SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
BENCH_DB = "dakghar_bench_counter"
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


def _booking(rng: random.Random) -> dict:
    addons = rng.choice([[], ["registration"], ["otp"], ["otp", "registration"]])
    return {
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


class _Clerk(threading.Thread):
    """One counter clerk booking as fast as the server answers, over one keep-alive connection."""

    def __init__(self, port: int, token: str, seed: int, start: threading.Event, stop_at: list):
        super().__init__(daemon=True)
        self.port, self.token, self.rng = port, token, random.Random(seed)
        self.start_event, self.stop_at = start, stop_at
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.booked_paise = 0
        self.errors: list[str] = []
        self.bad_numbers = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        self.start_event.wait()
        while time.monotonic() < self.stop_at[0]:
            body = json.dumps(_booking(self.rng))
            headers["Idempotency-Key"] = uuid.uuid4().hex
            began = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/counter/bookings/", body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(repr(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            self.latencies.append(time.perf_counter() - began)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
            if response.status == 201:
                data = json.loads(payload)
                self.booked_paise += data["total_paise"]
                number = data["articles"][0]["article_number"]
                if not (len(number) == 13 and number.endswith("IN") and number[:1] == "E"):
                    self.bad_numbers += 1
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.close()


def _run_clients(port: int, tokens: list[str], seconds: float, seed: int) -> tuple[list[_Clerk], float]:
    start = threading.Event()
    stop = [0.0]
    clerks = [_Clerk(port, tokens[i], seed + i, start, stop) for i in range(len(tokens))]
    for c in clerks:
        c.start()
    began = time.monotonic()
    stop[0] = began + seconds
    start.set()
    for c in clerks:
        c.join(seconds + 30)
    return clerks, time.monotonic() - began


def http_bookings(env: dict, tokens: list[str]) -> dict:
    port = _free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        _wait_until_up(port, server)
        warm, _ = _run_clients(port, tokens, 2.0, 10_000)  # every worker imports and connects once
        clerks, elapsed = _run_clients(port, tokens, SECONDS, 0)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(20)
    latencies = sorted(x for c in clerks for x in c.latencies)
    statuses: dict[int, int] = {}
    for c in clerks + warm:
        for code, n in c.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    ok = sum(c.statuses.get(201, 0) for c in clerks)
    return {
        "requests": len(latencies),
        "bookings": ok,
        "seconds": round(elapsed, 2),
        "bookings_per_second": round(ok / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "client_errors": sum(len(c.errors) for c in clerks + warm),
        "bad_numbers": sum(c.bad_numbers for c in clerks + warm),
        "booked_paise": sum(c.booked_paise for c in clerks + warm),
        "workers": WORKERS,
        "threads": THREADS,
        "clients": len(clerks),
    }


def run_benchmark() -> dict:
    url = _db_url(BENCH_DB)
    _recreate_database(url)
    env = _env(url)
    _manage(env, "migrate", "--noinput", "-v", "0")
    setup = json.loads(
        _manage(env, "shell", "-c", SETUP_SCRIPT.replace("CLIENTS", str(CLIENTS))).strip().splitlines()[-1]
    )
    before = json.loads(_manage(env, "shell", "-c", TOTALS_SCRIPT).strip().splitlines()[-1])
    result = http_bookings(env, setup["tokens"][:CLIENTS])
    after = json.loads(_manage(env, "shell", "-c", TOTALS_SCRIPT).strip().splitlines()[-1])
    check = subprocess.run(
        [PYTHON, "manage.py", "ledger_check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    report = {
        "http_bookings": result,
        "ledger_check_exit": check.returncode,
        "ledger_check_output": (check.stdout + check.stderr).strip()[-2000:],
        "totals": {"before": before, "after": after},
        "cpus": os.cpu_count(),
    }
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "counter.json").write_text(json.dumps(report, indent=2))
    subprocess.run(["dropdb", *_pg_args(url), "--if-exists", "--force", BENCH_DB], check=False)
    return report


def _print(report: dict) -> None:
    h = report["http_bookings"]
    print(
        f"\nHTTP bookings: {h['bookings_per_second']}/s over {h['seconds']} s "
        f"({h['bookings']} ok of {h['requests']}), p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms, "
        f"statuses {h['statuses']}, gunicorn {h['workers']}x{h['threads']}, {h['clients']} clients"
    )
    print(f"ledger_check exit {report['ledger_check_exit']}: {report['ledger_check_output']}")


def test_counter_bookings_per_second():
    report = run_benchmark()
    _print(report)
    h = report["http_bookings"]
    before, after = report["totals"]["before"], report["totals"]["after"]
    assert report["ledger_check_exit"] == 0, report["ledger_check_output"]
    assert not [code for code in h["statuses"] if code.startswith("5")], h["statuses"]
    assert h["client_errors"] == 0 and h["bad_numbers"] == 0
    booked = h["statuses"].get("201", 0)
    assert after["bookings"] - before["bookings"] == booked
    assert after["articles"] - before["articles"] == booked
    assert after["numbers"] == after["articles"]  # every S10 number different
    # All cash: the tills grew by exactly what the receipts say.
    assert after["tills"] - before["tills"] == h["booked_paise"] == after["booked_paise"] - before["booked_paise"]
    if os.environ.get("BENCH_ASSERT_TARGET") == "1":
        assert h["bookings_per_second"] >= 300 and h["p99_ms"] < 100, h


if __name__ == "__main__":
    _print(run_benchmark())
