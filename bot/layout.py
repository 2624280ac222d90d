"""The scaled-out layout on one machine (issue 13): several ``rasa run`` workers and several action servers, each
pool behind HAProxy (Debian's package, a child process with a generated config), sharing one tracker store
(PostgreSQL by default) and a Redis lock store, so that the turns of one conversation are processed one at a time,
in order, whichever worker takes them; optionally several web workers (``antifraud web``, or ``antifraud telegram``
in webhook mode) behind the same balancer.

    HAProxy :rasa_port  -> rasa run x N  --(action endpoint)--> HAProxy :action_port -> rasa_sdk x M
    HAProxy :web_port   -> antifraud web x W  --(Rasa URL)----> HAProxy :rasa_port
    rasa run x N        -> tracker store (PostgreSQL), lock store (Redis)

``antifraud serve --workers N`` runs it; docs/deploy.md spreads the same layout over machines. One worker with no
balancer (``runtime.start_stack``, SQLite) stays the default for one person on one laptop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot import runtime
from bot.runtime import RuntimeProblem, Stack

DEFAULT_TRACKER_URL = "postgresql://postgres@127.0.0.1:5432/antifraud_tracker"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
#: A Redis lock ticket expires after this many seconds: the longest a conversation waits for a worker that died
#: holding its lock. It must exceed the slowest turn (Rasa's default is 60 s; our turns take well under 5 s).
DEFAULT_LOCK_LIFETIME = 20


@dataclass(frozen=True)
class LayoutOptions:
    """What to run. ``redis_url`` None: no shared lock store (each worker its own in-memory one): only to show what
    goes wrong without it (tests/stack/test_layout_concurrency.py)."""

    workers: int = 2
    action_workers: int | None = None  # default: as many as Rasa workers
    web_workers: int = 0
    tracker_url: str = DEFAULT_TRACKER_URL
    tracker_type: str = runtime.TRACKER_STORE  # or "SQL" (Rasa's own), or another SQLTrackerStore subclass
    redis_url: str | None = DEFAULT_REDIS_URL
    lock_prefix: str = "antifraud"  # Rasa takes an alphanumeric prefix only
    lock_lifetime: int = DEFAULT_LOCK_LIFETIME
    balance: str = "leastconn"
    rasa_port: int | None = None  # the balancer's ports (default: free ones)
    web_port: int | None = None
    listen: str = "127.0.0.1"  # where the balancer listens; the workers always listen on 127.0.0.1
    database_url: str | None = None  # the quiz / web database of the action and web workers
    telegram_webhook_url: str | None = None  # web workers run `antifraud telegram --webhook-url` instead of `web`

    @property
    def actions(self) -> int:
        return self.action_workers if self.action_workers is not None else self.workers


@dataclass
class Worker:
    """One server of a pool: its URL on 127.0.0.1 and its process."""

    url: str
    process: subprocess.Popen[Any]
    log: Path

    def kill(self) -> None:
        """SIGKILL its whole process group, as a crash would (no clean-up, no goodbye)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@dataclass
class Layout(Stack):
    """A running layout: ``rasa_url`` and ``action_url`` are the balancer's, usable wherever a :class:`Stack` is."""

    rasa_workers: list[Worker] = field(default_factory=list)
    action_workers: list[Worker] = field(default_factory=list)
    web_workers: list[Worker] = field(default_factory=list)
    web_url: str | None = None
    balancer_config: Path | None = None

    def worker(self, index: int) -> Stack:
        """Rasa worker ``index`` alone (its own port, not through the balancer); stopping it stops nothing."""
        return Stack(self.rasa_workers[index].url, self.action_url, self.token)


# --------------------------------------------------------------------------------------------------- checks


def haproxy_bin(search_path: str | None = None) -> str:
    """The ``haproxy`` executable on ``search_path`` (default: $PATH, then /usr/sbin, where Debian puts it)."""
    found = shutil.which("haproxy", path=search_path)
    if found is None and search_path is None:
        found = shutil.which("haproxy", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise RuntimeProblem("HAProxy is not installed: apt-get install haproxy (scripts/setup.sh installs it).")
    return found


def check_redis(url: str, timeout: float = 2.0) -> None:
    """A Redis server answers PING at ``url``; else one clear line."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            if parts.password:
                sock.sendall(f"AUTH {parts.password}\r\n".encode())
                sock.recv(64)
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError as error:
        raise RuntimeProblem(
            f"No Redis server at {host}:{port} ({error.strerror or error}): start one (redis-server --daemonize yes)."
        ) from None
    if not answer.startswith(b"+PONG"):
        raise RuntimeProblem(f"The Redis server at {host}:{port} does not answer PING: {answer[:40]!r}.")


def prepare_tracker_db(url: str) -> None:
    """Create the tracker's PostgreSQL database if missing (one clear line when the server is unreachable). Rasa
    creates its ``events`` table in it."""
    import sqlalchemy
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if not target.drivername.startswith("postgresql"):
        return
    admin = sqlalchemy.create_engine(
        target.set(drivername="postgresql+psycopg", database="postgres"), isolation_level="AUTOCOMMIT"
    )
    try:
        with admin.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %(name)s", {"name": target.database}
            ).first()
            if exists is None:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    except sqlalchemy.exc.OperationalError as error:
        where = f"{target.host or 'localhost'}:{target.port or 5432}"
        first = str(error.orig or error).strip().splitlines()[0]
        raise RuntimeProblem(f"No PostgreSQL server for the tracker at {where}: {first}") from None
    finally:
        admin.dispose()


def tracker_has_table(url: str) -> bool:
    """Whether Rasa's ``events`` table exists already (then the workers may all start at once)."""
    import sqlalchemy
    from sqlalchemy.engine import make_url

    target = make_url(url)
    if target.drivername.startswith("postgresql"):
        target = target.set(drivername="postgresql+psycopg")
    engine = sqlalchemy.create_engine(target)
    try:
        return sqlalchemy.inspect(engine).has_table("events")
    finally:
        engine.dispose()


# --------------------------------------------------------------------------------------------------- configs


def endpoints_yaml(action_url: str, options: LayoutOptions) -> str:
    """Rasa's endpoints for every worker: the action servers' balancer, the shared tracker store, the lock store."""
    lines = ["action_endpoint:", f"  url: {runtime.quote_yaml(action_url + '/webhook')}"]
    lines += runtime.tracker_store_lines(options.tracker_url, options.tracker_type)
    if options.redis_url is not None:
        redis = urlsplit(options.redis_url)
        lines += ["lock_store:", "  type: redis", f"  url: {runtime.quote_yaml(redis.hostname or '127.0.0.1')}"]
        lines.append(f"  port: {redis.port or 6379}")
        lines.append(f"  db: {int(redis.path.strip('/') or 0)}")
        if redis.password:
            lines.append(f"  password: {runtime.quote_yaml(redis.password)}")
        lines.append(f"  key_prefix: {runtime.quote_yaml(options.lock_prefix)}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Pool:
    """One frontend of the balancer and the servers behind it."""

    name: str
    port: int
    servers: list[int]
    health: str  # the path of the health check (GET, any answer below 500 is healthy)
    listen: str = "127.0.0.1"


def haproxy_config(pools: list[Pool], balance: str = "leastconn") -> str:
    """HAProxy's configuration: one frontend per pool; a connection refused by a dead server is retried on another
    (``retry-on conn-failure`` + ``redispatch``: safe, the request never reached it); a request a server took and then
    died on is not retried (it may have been processed) and gets a 502; health checks every 2 s take a dead server
    out of the rotation (three refused checks) but not a busy one (a check may take 10 s)."""
    out = [
        "global",
        "    maxconn 4096",
        "defaults",
        "    mode http",
        "    timeout connect 2s",
        "    timeout client 120s",
        "    timeout server 120s",
        "    timeout queue 30s",
        "    retries 3",
        "    retry-on conn-failure",
        "    option redispatch 1",
        "    option forwardfor",
    ]
    for pool in pools:
        out += [
            f"frontend {pool.name}",
            f"    bind {pool.listen}:{pool.port}",
            f"    default_backend {pool.name}_workers",
            f"backend {pool.name}_workers",
            f"    balance {balance}",
            f"    option httpchk GET {pool.health}",
            "    http-check expect status 200-499",
            # A busy worker answers its health check late (a turn holds its event loop): 10 s before that counts
            # as a failure, or a saturated pool would be taken out whole (503s). A dead one refuses at once.
            "    timeout check 10s",
            "    default-server inter 2s fastinter 1s downinter 1s fall 3 rise 1",
        ]
        out += [f"    server {pool.name}{i} 127.0.0.1:{port} check" for i, port in enumerate(pool.servers, 1)]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------- starting


def _web_command(options: LayoutOptions, port: int, rasa_url: str, token: str) -> list[str]:
    main = "import sys; sys.argv[0] = 'antifraud'; from bot.cli import main; main()"
    command = [sys.executable, "-c", main]
    if options.telegram_webhook_url:
        command += ["telegram", "--webhook-url", options.telegram_webhook_url]
    else:
        command += ["web", "--rasa-url", rasa_url, "--rasa-token", token]
    command += ["--listen", "127.0.0.1", "--port", str(port)]
    if options.database_url:
        command += ["--db", options.database_url]
    return command


def start_layout(
    model: Path | None = None,
    options: LayoutOptions | None = None,
    *,
    var: Path | None = None,
    timeout: float = 240.0,
    echo: Callable[[str], None] = lambda _: None,
) -> Layout:
    """Check what the layout needs (HAProxy, Redis, PostgreSQL: one clear line each when missing), then start it and
    wait until every server answers, directly and through the balancer."""
    options = options or LayoutOptions()
    if options.workers < 1 or options.actions < 1 or options.web_workers < 0:
        raise RuntimeProblem("A layout needs at least one Rasa worker and one action worker.")
    haproxy = haproxy_bin()
    runtime.rasa_bin()
    if options.redis_url is not None:
        check_redis(options.redis_url)
    prepare_tracker_db(options.tracker_url)
    model = model or runtime.train(echo=echo)
    var = var or runtime.var_dir()
    logs = var / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    n, m, w = options.workers, options.actions, options.web_workers
    ports = runtime.free_ports(n + m + w + 3)
    rasa_ports, action_ports, web_ports = ports[:n], ports[n : n + m], ports[n + m : n + m + w]
    rasa_lb = options.rasa_port or ports[-3]
    action_lb, web_lb = ports[-2], options.web_port or ports[-1]
    host = "127.0.0.1" if options.listen in ("0.0.0.0", "::") else options.listen
    rasa_url, action_url = f"http://{host}:{rasa_lb}", f"http://127.0.0.1:{action_lb}"
    token = runtime.new_token()
    endpoints = var / f"endpoints-layout-{rasa_lb}.yml"
    endpoints.write_text(endpoints_yaml(action_url, options), encoding="utf-8")
    # The action pool is internal: only the Rasa and web frontends listen on ``options.listen``.
    pools = [
        Pool("rasa", rasa_lb, rasa_ports, "/", options.listen),
        Pool("actions", action_lb, action_ports, "/health"),
    ]
    if w:
        pools.append(Pool("web", web_lb, web_ports, "/healthz", options.listen))
    config = var / f"haproxy-{rasa_lb}.cfg"
    config.write_text(haproxy_config(pools, options.balance), encoding="utf-8")
    scratch = {"ANTIFRAUD_VAR": str(var)}
    layout = Layout(rasa_url, action_url, token, endpoints=endpoints, balancer_config=config)
    layout.web_url = f"http://{host}:{web_lb}" if w else None

    def run(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[Any]:
        process = runtime.spawn(command, env, log)
        layout.processes.append(process)
        return process

    try:
        echo(f"Starting HAProxy, {m} action server(s) and {n} Rasa worker(s)...")
        balancer_log = logs / f"haproxy-{rasa_lb}.log"
        balancer = run([haproxy, "-db", "-f", str(config)], runtime.child_env(), balancer_log)
        action_env = runtime.child_env(SANIC_HOST="127.0.0.1", **scratch)
        if options.database_url:
            action_env["DATABASE_URL"] = options.database_url
        for port in action_ports:
            log = logs / f"actions-{port}.log"
            process = run(runtime.action_server_command(port), action_env, log)
            layout.action_workers.append(Worker(f"http://127.0.0.1:{port}", process, log))
        rasa_env = runtime.child_env(TICKET_LOCK_LIFETIME=str(options.lock_lifetime), **scratch)
        first_alone = not tracker_has_table(options.tracker_url)  # one creates the tables, then the others start
        for i, port in enumerate(rasa_ports):
            log = logs / f"rasa-{port}.log"
            process = run(runtime.rasa_command(model, port, endpoints, token), rasa_env, log)
            worker = Worker(f"http://127.0.0.1:{port}", process, log)
            layout.rasa_workers.append(worker)
            if i == 0 and first_alone:
                runtime.wait_http(worker.url + "/", process, timeout, "first Rasa worker", log)
        if w:
            echo(f"Starting {w} web worker(s)...")
            web_env = runtime.child_env(**scratch)
            for port in web_ports:
                log = logs / f"web-{port}.log"
                command = _web_command(options, port, rasa_url, token)
                layout.web_workers.append(Worker(f"http://127.0.0.1:{port}", run(command, web_env, log), log))
        for worker in layout.action_workers:
            runtime.wait_http(worker.url + "/health", worker.process, timeout, "action server", worker.log)
        for worker in layout.rasa_workers:
            runtime.wait_http(worker.url + "/", worker.process, timeout, "Rasa worker", worker.log)
        for worker in layout.web_workers:
            runtime.wait_http(worker.url + "/healthz", worker.process, timeout, "web worker", worker.log)
        _wait_balanced(rasa_url, balancer, balancer_log)
    except BaseException:
        layout.stop()
        config.unlink(missing_ok=True)
        raise
    return layout


def _wait_balanced(url: str, balancer: subprocess.Popen[Any], log: Path, timeout: float = 30) -> None:
    """Until the balancer answers, and one health-check round later (every worker, up already, is marked up)."""
    runtime.wait_http(url + "/", balancer, timeout, "balancer (HAProxy)", log)
    time.sleep(1.5)
