"""People on the inventory server: one LOGIN role each, member of one group role.

``add_user`` is what ``server add-user`` runs (as an admin or the database owner).  The
password travels as a SCRAM verifier (:func:`geodata.pg.connection.scram_verifier`): the
server stores it, and neither the server log nor EcoZone ever holds the plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from geodata.messages import Message
from geodata.pg.connection import ServerError, scram_verifier
from geodata.pg.schema import GROUPS

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
_COUNTY = re.compile(r"^35\d{4}$")


@dataclass(frozen=True)
class ServerUser:
    name: str
    kind: str  # inspector, planner, admin
    county_code: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.kind, "county": self.county_code}


def check_user(name: str, kind: str, county: str | None) -> None:
    """Raise ServerError (bad input) unless name, role and county fit together."""
    if not _NAME.match(name or ""):
        raise ServerError(Message(
            f"用户名“{name}”无效：请用字母、数字和下划线（字母开头，最多 63 个字符）",
            f"user name '{name}' is not valid: use letters, digits and underscores "
            "(starting with a letter, at most 63 characters)"))
    if kind not in GROUPS:
        raise ServerError(Message(f"角色“{kind}”无效：可选 inspector、planner、admin",
                                  f"role '{kind}' is not valid: inspector, planner or admin"))
    if kind == "inspector" and not (county and _COUNTY.match(county)):
        raise ServerError(Message(
            f"核查员须指定所属区县代码（--county，如 350582），而不是“{county or ''}”",
            f"an inspector needs a county code (--county, e.g. 350582), not '{county or ''}'"))


def add_user(con: Any, name: str, kind: str, county: str | None, password: str) -> ServerUser:
    """Create (or update) the LOGIN role ``name`` as ``kind`` of ``county``; one transaction."""
    from psycopg import errors, sql

    check_user(name, kind, county)
    if not password:
        raise ServerError(Message("需要密码（--password，或在提示时输入）",
                                  "a password is needed (--password, or type it when asked)"))
    verifier = scram_verifier(password)
    group = GROUPS[kind]
    try:
        with con.transaction():
            exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname=%s", (name,)).fetchone()
            verb = "ALTER" if exists else "CREATE"
            # an admin may add people (CREATEROLE); nobody else may
            rights = "LOGIN CREATEROLE" if kind == "admin" else "LOGIN NOCREATEROLE"
            con.execute(sql.SQL("{} ROLE {} {} PASSWORD {}").format(
                sql.SQL(verb), sql.Identifier(name), sql.SQL(rights), sql.Literal(verifier)))
            for other in GROUPS.values():
                if other != group:
                    con.execute(sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(other), sql.Identifier(name)))
            con.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(group),
                                                         sql.Identifier(name)))
            con.execute(
                "INSERT INTO ecozone_users (role_name, kind, county_code) VALUES (%s, %s, %s) "
                "ON CONFLICT (role_name) DO UPDATE SET kind=EXCLUDED.kind, "
                "county_code=EXCLUDED.county_code",
                (name, kind, county if kind == "inspector" else county or None))
    except errors.InsufficientPrivilege as exc:
        raise ServerError(Message(f"无权创建用户：{exc}",
                                  f"not allowed to create users: {exc}")) from None
    return ServerUser(name, kind, county)


def whoami(con: Any) -> ServerUser:
    """The connected person as the server knows them (admin for the database owner)."""
    row = con.execute("SELECT session_user, u.kind, u.county_code FROM (SELECT 1) x "
                      "LEFT JOIN ecozone_users u ON u.role_name = session_user").fetchone()
    name, kind, county = row
    if kind is None:
        su = con.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = "
                         "session_user").fetchone()
        kind = "admin" if su and su[0] else "planner"
    return ServerUser(str(name), str(kind), county)
