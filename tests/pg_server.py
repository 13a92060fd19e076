"""A throw-away PostgreSQL 15 + PostGIS server for the sync tests.

Started from the Debian binaries (``/usr/lib/postgresql/15/bin``; packages
``postgresql-15 postgresql-15-postgis-3``) in a temporary directory, listening on a free
loopback port only.  ``initdb`` and ``postgres`` refuse to run as root, and CI runs as root:
then the server runs as the ``postgres`` OS user (``runuser -u postgres --``) and the
temporary directory is handed to that user.

Authentication is what a real deployment uses: the superuser ``postgres`` is trusted on
the Unix socket and on 127.0.0.1 (the test's admin connection); every other role must give
its SCRAM password over TCP, so the tests exercise the real login path of inspectors.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

BIN = Path(os.environ.get("ECOZONE_PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGIS_CONTROL = Path("/usr/share/postgresql/15/extension/postgis.control")


def missing_reason() -> str | None:
    """Why a server cannot be started here (None: it can)."""
    for exe in ("initdb", "pg_ctl", "postgres"):
        if not (BIN / exe).exists():
            return (f"PostgreSQL 15 not installed ({BIN / exe} missing; Debian: apt-get install "
                    "postgresql-15 postgresql-15-postgis-3)")
    if not POSTGIS_CONTROL.exists():
        return "PostGIS not installed (Debian: apt-get install postgresql-15-postgis-3)"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' OS user to run the server as"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """One server in a temp dir: ``start()``, ``url(db, user)``, ``stop()``."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ecozone-pg-"))
        self.data = self.root / "data"
        self.sock = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_postgres = os.geteuid() == 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self._as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    def start(self) -> PgServer:
        self.sock.mkdir()
        if self._as_postgres:
            pw = pwd.getpwnam("postgres")
            for p in (self.root, self.sock):
                os.chown(p, pw.pw_uid, pw.pw_gid)
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                  "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        hba = self.data / "pg_hba.conf"
        hba_text = ("local all all trust\n"
                    "host all postgres 127.0.0.1/32 trust\n"
                    "host all all 127.0.0.1/32 scram-sha-256\n")
        self._write_as_server(hba, hba_text)
        conf = ("listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.sock}'\n"
                "fsync = off\nfull_page_writes = off\n"  # a test server: no disk flushes
                "max_connections = 120\nshared_buffers = 64MB\n"
                "log_min_messages = warning\nlog_statement = 'all'\n")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as fh:
            fh.write(conf)
        self.resume()
        return self

    def _write_as_server(self, path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")

    def resume(self) -> None:
        """(Re)start the server on its port and wait until it accepts connections."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
                  "-t", "60", "start")

    def stop_immediate(self) -> None:
        """Kill the server as a crash would (``pg_ctl stop -m immediate``)."""
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop",
                  check=False)

    def stop(self) -> None:
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                  check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str = "postgres", user: str = "postgres", port: int | None = None) -> str:
        return f"postgresql://{user}@127.0.0.1:{port or self.port}/{db}"

    def server_log(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def wait_ready(self, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            r = self._run(str(BIN / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port),
                          check=False)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError("server did not come up")
