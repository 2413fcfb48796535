"""What every HTTP benchmark under tests/load shares: a scratch PostgreSQL database, the
gunicorn server, the client threads, percentiles, CPU per request and pgbench.

All traffic stays on this machine (127.0.0.1). A benchmark supplies three things:

- a setup script for `manage.py shell` that prints one JSON line (tokens and the like);
- `make_request(rng) -> (path, body, context)`: the next POST a client sends;
- what to check afterwards, from the answers: `LoadResult.answers` holds
  (status, context, payload bytes) for every request of the measured run; payloads are
  parsed after the run, so parsing costs the load generator nothing while it measures.

Environment knobs, shared by every benchmark (each gives its own defaults):
BENCH_SECONDS (20), BENCH_CLIENTS (16), BENCH_WORKERS, BENCH_THREADS (1), BENCH_WORKER_CLASS
(sync), BENCH_KEEPALIVE (1: clients reuse their connection where the server keeps it, as
gthread does; sync workers close it after each answer; 0 sends Connection: close),
BENCH_GUNICORN_CONF (a gunicorn config file to try; by default the production one,
gunicorn.conf.py), BENCH_PGBENCH (1: run pgbench's tpcb-like beside the benchmark, 0 skips it).

The default server is the production one (README): gunicorn's sync workers, one request
at a time each, about one per core plus one. An idle worker takes the next connection, so
the load spreads evenly; with gthread and keep-alive a worker keeps the connections it
happened to accept, and a busy one makes its clients' latency long (the harness prints
the slowest and fastest client's mean). Threads in one process share the GIL: on this
machine 2 threads per worker cost 40-90 % more CPU per request than 1.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))

# (path, JSON body, anything the benchmark wants back with the answer)
MakeRequest = Callable[[random.Random], tuple[str, dict, object]]


# --- scratch databases ---------------------------------------------------------------------------


def db_url(name: str) -> str:
    """DATABASE_URL with another database name (the benchmark's scratch database)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dakghar")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        pytest.skip("the benchmark needs PostgreSQL (DATABASE_URL)")
    return urlunsplit(parts._replace(path="/" + name))


def pg_args(url: str) -> list[str]:
    parts = urlsplit(url)
    return ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432), "-U", parts.username or "postgres"]


def recreate_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    subprocess.run(["dropdb", *pg_args(url), "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *pg_args(url), name], check=True)


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    subprocess.run(["dropdb", *pg_args(url), "--if-exists", "--force", name], check=False)


def bench_env(url: str) -> dict[str, str]:
    """The server's environment: production settings (DEBUG off) on the scratch database."""
    env = dict(os.environ)
    env.update(
        {
            "DEBUG": "0",
            "DATABASE_URL": url,
            "SECRET_KEY": env.get("SECRET_KEY") or "bench-" + "k3y" * 20,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "STATIC_MANIFEST": "0",
            "SMS_BACKEND": "console",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def shell_json(env: dict, script: str) -> dict:
    """Run a `manage.py shell` script and return the JSON object on its last line."""
    return json.loads(manage(env, "shell", "-c", script).strip().splitlines()[-1])


def analyze(env: dict) -> None:
    """ANALYZE the scratch database. Autovacuum is off on this machine's PostgreSQL, and
    the tables were empty a moment ago: without statistics the server keeps plans made
    for empty tables (prepared statements keep theirs until an ANALYZE), which a live
    database, analyzed by autovacuum as it grows, would not. Run after the warm-up."""
    url = env["DATABASE_URL"]
    subprocess.run(["psql", *pg_args(url), "-d", urlsplit(url).path.lstrip("/"), "-qc", "ANALYZE"], check=True)


def ledger_check(env: dict) -> tuple[int, str]:
    check = subprocess.run(
        [PYTHON, "manage.py", "ledger_check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return check.returncode, (check.stdout + check.stderr).strip()[-2000:]


def write_report(name: str, report: dict) -> None:
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(report, indent=2))


# --- measuring ---------------------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc), in seconds."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU seconds all cores of this machine spent not idle so far (/proc/stat)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "--ppid", str(pid), "-o", "pid="], capture_output=True, text=True, check=False)
    return [int(x) for x in out.stdout.split()]


def pg_backends(env: dict) -> list[int]:
    name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    out = subprocess.run(
        ["psql", *pg_args(env["DATABASE_URL"]), "-Atc", f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}'"],  # noqa: S608 (our own database name)
        capture_output=True,
        text=True,
        check=False,
    )
    return [int(x) for x in out.stdout.split()]


# --- the server ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    """How gunicorn runs; each benchmark gives its defaults, the environment overrides them."""

    workers: int
    threads: int
    worker_class: str = "gthread"
    keepalive: bool = True
    conf: str = ""

    @classmethod
    def from_env(cls, *, workers: int, threads: int = 1, worker_class: str = "sync") -> Server:
        return cls(
            workers=int(os.environ.get("BENCH_WORKERS", workers)),
            threads=int(os.environ.get("BENCH_THREADS", threads)),
            worker_class=os.environ.get("BENCH_WORKER_CLASS", worker_class),
            keepalive=os.environ.get("BENCH_KEEPALIVE", "1") == "1",
            conf=os.environ.get("BENCH_GUNICORN_CONF", str(ROOT / "gunicorn.conf.py")),
        )

    def command(self, port: int) -> list[str]:
        return [
            GUNICORN,
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            self.worker_class,
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            *(["-c", self.conf] if self.conf else []),
        ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError("gunicorn exited at start")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


# --- the clients ---------------------------------------------------------------------------------------


class LoadClient(threading.Thread):
    """One clerk sending POSTs as fast as the server answers, over one connection
    (kept alive unless the server's config says otherwise), until the shared deadline."""

    def __init__(
        self,
        *,
        port: int,
        token: str,
        make_request: MakeRequest,
        seed: int,
        start: threading.Event,
        stop_at: list[float],
        keepalive: bool,
    ):
        super().__init__(daemon=True)
        self.port, self.token, self.make_request = port, token, make_request
        self.rng = random.Random(seed)
        self.start_event, self.stop_at, self.keepalive = start, stop_at, keepalive
        self.latencies: list[float] = []
        self.answers: list[tuple[int, object, bytes]] = []
        self.errors: list[str] = []

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def run(self) -> None:
        conn = self._connect()
        headers = {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}
        if not self.keepalive:
            headers["Connection"] = "close"
        self.start_event.wait()
        while time.monotonic() < self.stop_at[0]:
            path, data, context = self.make_request(self.rng)
            body = json.dumps(data)
            headers["Idempotency-Key"] = uuid.uuid4().hex
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                payload = response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.errors.append(repr(exc))
                conn.close()
                conn = self._connect()
                continue
            self.latencies.append(time.perf_counter() - began)
            self.answers.append((response.status, context, payload))
            if response.will_close:
                conn.close()
                conn = self._connect()
        conn.close()


def _clients_run(
    port: int, tokens: list[str], make_request: MakeRequest, seconds: float, seed: int, keepalive: bool
) -> tuple[list[LoadClient], Callable[[], float]]:
    """Start one client per token, waiting on a start signal; returns them and `go()`,
    which releases them, waits for the deadline and returns the elapsed seconds."""
    start, stop_at = threading.Event(), [time.monotonic() + 3600]
    clients = [
        LoadClient(
            port=port,
            token=token,
            make_request=make_request,
            seed=seed + i,
            start=start,
            stop_at=stop_at,
            keepalive=keepalive,
        )
        for i, token in enumerate(tokens)
    ]
    for c in clients:
        c.start()

    def go() -> float:
        began = time.monotonic()
        stop_at[0] = began + seconds
        start.set()
        for c in clients:
            c.join(seconds + 30)
        return time.monotonic() - began

    return clients, go


@dataclass
class LoadResult:
    summary: dict
    answers: list[tuple[int, object, bytes]] = field(default_factory=list)  # measured run only
    warm_answers: list[tuple[int, object, bytes]] = field(default_factory=list)


def http_load(
    *, env: dict, server: Server, tokens: list[str], make_request: MakeRequest, seconds: float = SECONDS
) -> LoadResult:
    """Start gunicorn, warm it up for 2 s, then run one client per token for `seconds`.

    The summary holds the rate of 201 answers, p50/p99/mean latency, statuses (warm-up
    included: a 5xx there counts too), the CPU each request cost gunicorn, the PostgreSQL
    backends and this load generator (with other work on the machine that, not the
    wall-clock rate, is what the code costs), and the load average before and after."""
    load_before = os.getloadavg()[0]  # 1-minute average: includes this benchmark's own set-up
    port = free_port()
    process = subprocess.Popen(server.command(port), cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_until_up(port, process)
        # Warm-up: every worker imports, connects and fills its caches once.
        warm, go = _clients_run(port, tokens, make_request, 2.0, 10_000, server.keepalive)
        go()
        analyze(env)
        clients, go = _clients_run(port, tokens, make_request, seconds, 0, server.keepalive)
        workers, backends = children(process.pid), pg_backends(env)
        cpu_before = (cpu_seconds(workers), cpu_seconds(backends), time.process_time())
        busy_before = machine_busy_seconds()
        elapsed = go()
        cpu_after = (cpu_seconds(workers), cpu_seconds(backends), time.process_time())
        busy_after = machine_busy_seconds()
        load_after = os.getloadavg()[0]
    finally:
        process.terminate()  # the arbiter stops its workers
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    latencies = sorted(x for c in clients for x in c.latencies)
    answers = [a for c in clients for a in c.answers]
    warm_answers = [a for c in warm for a in c.answers]
    statuses: dict[str, int] = {}
    for status, _context, _payload in answers + warm_answers:
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    ok = sum(1 for status, _c, _p in answers if status == 201)
    per = max(len(latencies), 1)
    cpu_ms = {
        name: round((after - before) / per * 1000, 3)
        for name, before, after in zip(("gunicorn", "postgres", "load_generator"), cpu_before, cpu_after, strict=True)
    }
    total_cpu_ms = sum(cpu_ms.values())
    ours = sum(after - before for before, after in zip(cpu_before, cpu_after, strict=True))
    cores = os.cpu_count() or 1
    means = [statistics.fmean(c.latencies) for c in clients if c.latencies]
    summary = {
        "requests": len(latencies),
        "ok": ok,
        "seconds": round(elapsed, 2),
        "per_second": round(ok / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
        "statuses": dict(sorted(statuses.items())),
        "client_errors": sum(len(c.errors) for c in clients + warm),
        "workers": server.workers,
        "threads": server.threads,
        "worker_class": server.worker_class,
        "keepalive": server.keepalive,
        "clients": len(clients),
        # 2 idle cores give at most 2000 / total requests per second.
        "cpu_ms_per_request": {**cpu_ms, "total": round(total_cpu_ms, 3)},
        "capacity_per_second_on_2_idle_cores": round(2000 / total_cpu_ms) if total_cpu_ms else None,
        "load_average_before": round(load_before, 2),
        "load_average_after": round(load_after, 2),
        # How busy the whole machine was during the run (% of all cores), and the part not
        # measured above: kernel (loopback network), PostgreSQL's background processes,
        # and any other work on the machine. A quiet machine shows a few per cent here.
        "machine_busy_percent": round((busy_after - busy_before) / elapsed / cores * 100, 1),
        "not_ours_percent": round((busy_after - busy_before - ours) / elapsed / cores * 100, 1),
        # Far apart means the keep-alive connections are spread unevenly over the workers.
        "client_mean_ms_min_max": [round(min(means) * 1000, 1), round(max(means) * 1000, 1)] if means else None,
    }
    return LoadResult(summary, answers, warm_answers)


def summary_line(label: str, h: dict) -> str:
    return (
        f"\n{label}: {h['per_second']}/s over {h['seconds']} s ({h['ok']} ok of {h['requests']}), "
        f"p50 {h['p50_ms']} ms, p99 {h['p99_ms']} ms, statuses {h['statuses']}, "
        f"gunicorn {h['workers']}x{h['threads']} {h['worker_class']}, {h['clients']} clients\n"
        f"client mean latency min/max (ms): {h['client_mean_ms_min_max']}; "
        f"CPU per request (ms): {h['cpu_ms_per_request']}; capacity on 2 idle cores "
        f"~{h['capacity_per_second_on_2_idle_cores']}/s; machine busy {h['machine_busy_percent']} % of "
        f"all cores, of which not gunicorn/PostgreSQL backends/load generator {h['not_ours_percent']} %; "
        f"load average before {h['load_average_before']:.2f}, after {h['load_average_after']:.2f}"
    )


# --- pgbench, for comparison ---------------------------------------------------------------------------


def pgbench_tpcb(url: str, *, clients: int = CLIENTS, seconds: float = SECONDS) -> dict:
    """pgbench's built-in tpcb-like (scale 16) in its own scratch database: what the same
    PostgreSQL does with the same number of clients, without Python in the way."""
    if os.environ.get("BENCH_PGBENCH", "1") != "1":
        return {"skipped": "BENCH_PGBENCH=0"}
    if shutil.which("pgbench") is None:
        return {"skipped": "pgbench not installed"}
    recreate_database(url)
    name = urlsplit(url).path.lstrip("/")
    admin = pg_args(url)
    subprocess.run(["pgbench", *admin, "-i", "-q", "-s", "16", name], check=True, capture_output=True)
    with tempfile.TemporaryDirectory() as logdir:
        result = subprocess.run(
            [
                "pgbench",
                *admin,
                "-c",
                str(clients),
                "-j",
                "2",
                "-T",
                str(int(seconds)),
                "-l",
                "--log-prefix",
                f"{logdir}/pgbench",
                "-b",
                "tpcb-like",
                name,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        latencies = []
        for log in Path(logdir).glob("pgbench*"):
            for line in log.read_text().splitlines():
                fields = line.split()
                if len(fields) >= 3:
                    latencies.append(int(fields[2]) / 1_000_000)
    latencies.sort()
    tps = next((line.split("=")[1].split()[0] for line in result.stdout.splitlines() if line.startswith("tps")), "nan")
    drop_database(url)
    return {
        "transactions": len(latencies),
        "tps": round(float(tps), 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "scale": 16,
        "clients": clients,
    }
