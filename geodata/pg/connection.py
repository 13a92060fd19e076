"""Connecting to the inventory server, and keeping passwords out of files and logs.

EcoZone never writes a password in plain text.  A URL is a libpq URI
(``postgresql://user@host:port/db``); the password comes from libpq's own ``PGPASSWORD``
or ``~/.pgpass`` (``%APPDATA%\\postgresql\\pgpass.conf`` on Windows), or is handed over by
the window (from the system keyring or the login dialog) as an argument that only lives in
memory.  URLs are stored and shown with :func:`redact_url`.  New users' passwords go to the
server as a SCRAM-SHA-256 verifier (:func:`scram_verifier`), so not even the server's
statement log sees them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from geodata.messages import Message


class ServerError(Exception):
    """The server cannot be used (unreachable, refused login, not an EcoZone database)."""

    def __init__(self, message: Message, transient: bool = False) -> None:
        super().__init__(message.en)
        self.message = message
        #: a lost connection (retrying may succeed) rather than a refusal
        self.transient = transient


def check_url(url: str) -> str:
    """``url`` if it is a libpq URI, else raise ServerError with the expected form."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("postgresql", "postgres") or not parts.hostname:
        raise ServerError(Message(
            f"服务器地址“{redact_url(url)}”无效：应为 postgresql://用户@主机:端口/数据库",
            f"server address '{redact_url(url)}' is not valid: expected "
            "postgresql://user@host:port/db"))
    return url


def redact_url(url: str) -> str:
    """The URL without a password (the form that may be stored, shown and logged)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def url_user(url: str) -> str:
    """The login role named in ``url`` (libpq's default, the OS user, if none)."""
    parts = urlsplit(url)
    return parts.username or os.environ.get("PGUSER") or _os_user()


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "unknown"


def connect(url: str, password: str | None = None, connect_timeout: int = 10,
            **kwargs: Any) -> Any:
    """A psycopg connection to ``url``; ``password`` (from the keyring or a dialog) is passed
    in memory only.  Raises ServerError with a readable reason."""
    import psycopg

    check_url(url)
    extra: dict[str, Any] = {"connect_timeout": connect_timeout,
                             "application_name": "EcoZone"}
    if password:
        extra["password"] = password
    try:
        return psycopg.connect(url, **extra, **kwargs)
    except psycopg.OperationalError as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = redact_url(url)
        auth = "password" in text or "authentication" in text
        raise ServerError(Message(f"无法连接服务器 {where}：{text}",
                                  f"cannot connect to {where}: {text}"),
                          transient=not auth) from None


def scram_verifier(password: str, iterations: int = 4096, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for ``password`` (RFC 5802/7677).

    ``CREATE ROLE … PASSWORD '<verifier>'`` stores it as is, so the plain password is never
    sent in a statement (which the server may log).
    """
    salt = salt if salt is not None else os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    b64 = base64.b64encode
    return (f"SCRAM-SHA-256${iterations}:{b64(salt).decode()}$"
            f"{b64(stored_key).decode()}:{b64(server_key).decode()}")
