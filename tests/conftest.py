"""Shared fixtures: stores on SQLite and PostgreSQL, the replay server, the shared corpus."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSMON_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
PG_URL = os.environ.get("NEWSMON_TEST_DATABASE_URL")

# Airflow reads its home at import: never let a test run touch ~/airflow.
if "AIRFLOW_HOME" not in os.environ:
    import tempfile

    os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="newsmon-test-airflow-")
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__DAGS_FOLDER", str(ROOT / "dags"))


@pytest.fixture
def corpus() -> Path:
    """``../shared/corpus``; tests that need it are skipped cleanly where it is absent."""
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")
    return CORPUS


def _pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty store: SQLite in a temp dir, and PostgreSQL in a fresh schema of
    ``NEWSMON_TEST_DATABASE_URL`` (skipped with the reason where that is unset)."""
    from store.db import migrate

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        migrate(url)
        yield url
        return
    if not PG_URL:
        pytest.skip("NEWSMON_TEST_DATABASE_URL is not set (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    from sqlalchemy import text

    from store.db import create_engine_from_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine_from_url(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = _pg_schema_url(PG_URL, schema)
    try:
        migrate(url)
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def session_factory(db_url: str) -> Iterator[Any]:
    from store.db import create_engine_from_url, make_session_factory

    engine = create_engine_from_url(db_url)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def replay() -> Iterator[Any]:
    """The replay server over ``fixtures/replay`` on a free port of 127.0.0.1."""
    from newsmon.replay import ReplayServer

    with ReplayServer(port=0) as server:
        yield server


@pytest.fixture
def demo_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, replay: Any) -> dict[str, str]:
    """Environment of a demo-group run against the replay server, with a fresh SQLite store."""
    from store.db import migrate

    url = f"sqlite:///{tmp_path / 'newsmon.db'}"
    env = {
        "NEWSMON_DATA_DIR": str(tmp_path),
        "NEWSMON_DATABASE_URL": url,
        "NEWSMON_SOURCE_GROUPS": "demo",
        "NEWSMON_ALLOW_PRIVATE_ADDRESSES": "1",
        "NEWSMON_REPLAY_BASE": replay.base,
        "NEWSMON_HOST_DELAY": "0",
        "NEWSMON_SCRAPY_LOG_LEVEL": "WARNING",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    migrate(url)
    return env


@pytest.fixture
def server() -> Iterator[Any]:
    """A local HTTP server on 127.0.0.1 whose routes the test sets (tests/localserver.py)."""
    from localserver import LocalServer

    srv = LocalServer()
    try:
        yield srv
    finally:
        srv.close()
