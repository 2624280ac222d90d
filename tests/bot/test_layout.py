"""The scaled-out layout's pieces without Rasa: the balancer's configuration (checked by HAProxy itself), the
endpoints every Rasa worker reads, and the one-line reasons when HAProxy, Redis or PostgreSQL is missing. The running
layout is tested in tests/stack/test_layout_concurrency.py."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from bot import layout
from bot.runtime import RuntimeProblem, free_ports
from tests.conftest import POSTGRES_URL

POOLS = {
    "rasa only": [layout.Pool("rasa", 5005, [6001], "/")],
    "rasa and actions": [
        layout.Pool("rasa", 5005, [6001, 6002], "/", "0.0.0.0"),
        layout.Pool("actions", 5055, [6101, 6102, 6103], "/health"),
    ],
    "with web": [
        layout.Pool("rasa", 5005, [6001, 6002], "/"),
        layout.Pool("actions", 5055, [6101], "/health"),
        layout.Pool("web", 8080, [6201, 6202], "/healthz", "0.0.0.0"),
    ],
}


@pytest.mark.parametrize("pools", POOLS.values(), ids=POOLS.keys())
def test_haproxy_accepts_the_generated_config(pools: list[layout.Pool], tmp_path: Path) -> None:
    config = tmp_path / "haproxy.cfg"
    config.write_text(layout.haproxy_config(pools, balance="leastconn"))
    checked = subprocess.run([layout.haproxy_bin(), "-c", "-f", str(config)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = config.read_text()
    for pool in pools:
        assert f"bind {pool.listen}:{pool.port}" in text
        assert all(f"127.0.0.1:{port} check" in text for port in pool.servers)
        assert f"option httpchk GET {pool.health}" in text


def test_a_dead_server_is_retried_elsewhere_only_when_the_connection_failed() -> None:
    """A request a worker took may have been processed: retrying it elsewhere could run a turn twice."""
    text = layout.haproxy_config(POOLS["rasa only"])
    assert "retry-on conn-failure" in text and "option redispatch" in text
    assert "retry-on all-retryable-errors" not in text and "empty-response" not in text


def endpoints(**options: object) -> dict[str, dict[str, object]]:
    text = layout.endpoints_yaml("http://127.0.0.1:5055", layout.LayoutOptions(**options))  # type: ignore[arg-type]
    return dict(yaml.safe_load(text))


def test_endpoints_share_a_postgres_tracker_and_a_redis_lock_store() -> None:
    found = endpoints(
        tracker_url="postgresql://rasa:s3cr%22t@db.internal:5433/antifraud_tracker",
        redis_url="redis://:pw@cache.internal:6380/2",
        lock_prefix="city",
    )
    assert found["action_endpoint"] == {"url": "http://127.0.0.1:5055/webhook"}
    assert found["tracker_store"] == {
        "type": "bot.rasa_serve.tracker_store.BoundedSQLTrackerStore",  # reads a bounded window of each conversation
        "max_events": 40,
        "dialect": "postgresql",
        "url": "db.internal",
        "port": 5433,
        "db": "antifraud_tracker",
        "username": "rasa",
        "password": 's3cr"t',
    }
    assert found["lock_store"] == {
        "type": "redis",
        "url": "cache.internal",
        "port": 6380,
        "db": 2,
        "password": "pw",
        "key_prefix": "city",
    }


def test_the_tracker_store_class_is_one_option() -> None:
    found = endpoints(tracker_type="bot.rasa_ext.tracker.BoundedSQLTrackerStore")
    assert found["tracker_store"]["type"] == "bot.rasa_ext.tracker.BoundedSQLTrackerStore"
    assert found["tracker_store"]["dialect"] == "postgresql"


def test_without_redis_there_is_no_lock_store() -> None:
    assert "lock_store" not in endpoints(redis_url=None)


def test_missing_haproxy_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(RuntimeProblem, match="HAProxy is not installed: apt-get install haproxy") as caught:
        layout.haproxy_bin(str(tmp_path))
    assert "\n" not in str(caught.value)


def test_missing_redis_is_one_clear_line() -> None:
    (port,) = free_ports(1)
    with pytest.raises(RuntimeProblem, match=f"No Redis server at 127.0.0.1:{port}") as caught:
        layout.check_redis(f"redis://127.0.0.1:{port}/0")
    assert "\n" not in str(caught.value)


def test_missing_postgres_is_one_clear_line() -> None:
    (port,) = free_ports(1)
    with pytest.raises(RuntimeProblem, match=f"No PostgreSQL server for the tracker at 127.0.0.1:{port}") as caught:
        layout.prepare_tracker_db(f"postgresql://postgres@127.0.0.1:{port}/antifraud_tracker")
    assert "\n" not in str(caught.value)


def test_the_tracker_database_is_created_once(postgres_url: str) -> None:
    import sqlalchemy
    from sqlalchemy.engine import make_url

    name = f"antifraud_tracker_{uuid.uuid4().hex[:10]}"
    url = make_url(postgres_url).set(drivername="postgresql", database=name).render_as_string(hide_password=False)
    admin = sqlalchemy.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        layout.prepare_tracker_db(url)
        layout.prepare_tracker_db(url)  # again: already there, no error
        with admin.connect() as connection:
            found = connection.exec_driver_sql("SELECT count(*) FROM pg_database WHERE datname = %s", (name,))
            assert found.scalar() == 1
        assert not layout.tracker_has_table(url)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
