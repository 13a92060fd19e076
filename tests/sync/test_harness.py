"""The test server's rules: a missing PostgreSQL skips the sync tests locally, with the
reason, and fails them under CI=true (so CI can never pass by skipping them)."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.sync.support import ROOT_DIR

TARGET = "tests/sync/test_security.py::test_planner_cannot_write"


def _pytest(env_extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update(env_extra, ECOZONE_PG_BIN="/nonexistent/postgresql/bin")
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p",
                           "no:cacheprovider", TARGET], cwd=ROOT_DIR, env=env,
                          capture_output=True, text=True, timeout=300)


def test_missing_server_skips_locally_with_the_reason():
    r = _pytest({})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "1 skipped" in r.stdout and "postgresql-15 postgresql-15-postgis-3" in r.stdout


def test_missing_server_fails_under_ci():
    r = _pytest({"CI": "true"})
    assert r.returncode != 0
    assert "CI=true but no test server can start" in r.stdout
