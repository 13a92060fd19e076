"""A real PostgreSQL + PostGIS server for the sync tests (see tests/pg_server.py).

Locally the tests skip with the reason when the binaries are missing; under ``CI=true`` a
missing server fails them instead, so CI can never pass by skipping the sync tests.
"""

from __future__ import annotations

import os
import uuid

import pytest

from tests.pg_server import PgServer, missing_reason


@pytest.fixture(scope="session")
def pg_server():
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but no test server can start: {reason}")
        pytest.skip(reason)
    server = PgServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_db(pg_server):
    """A fresh empty database on the test server; its superuser URL."""
    import psycopg

    name = "t_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    return pg_server.url(name)


@pytest.fixture(scope="session")
def city_template(pg_server):
    """A database with the bundled city loaded and the test users, to clone per test."""
    import psycopg

    from tests.sync.support import load_city

    name = "city_template"
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    load_city(pg_server.url(name))
    return name


@pytest.fixture
def city_db(pg_server, city_template):
    """A fresh copy of the loaded city database; its superuser URL."""
    import psycopg

    name = "c_" + uuid.uuid4().hex[:10]
    with psycopg.connect(pg_server.url(), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}" TEMPLATE "{city_template}"')
    return pg_server.url(name)
