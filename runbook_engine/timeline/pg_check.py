"""The team store's health as data: connection, schema version, the runbook role's grants, triggers.

Checks never print; `runbook store check` and `runbook timeline verify` report the findings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from runbook_engine.errors import StoreUnavailable
from runbook_engine.timeline.pg_db import connect, describe, server_errors
from runbook_engine.timeline.pg_schema import current_version, latest_version
from runbook_engine.timeline.safeguards import Finding, Level

if TYPE_CHECKING:
    import psycopg

    Connection = psycopg.Connection[tuple[object, ...]]

APP_ROLE = "runbook"
TABLES = ("runbook.events", "runbook.incidents")
FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE")
TRIGGERS = {
    "events": (
        "events_are_never_updated",
        "events_are_never_deleted",
        "events_are_never_truncated",
        "events_record_their_login",
        "events_advance_the_head",
    ),
    "incidents": (
        "incidents_are_never_deleted",
        "incidents_are_never_truncated",
        "incident_head_moves_forward",
    ),
}
"""Every trigger of migrations/0002_append_only.sql, by table."""
_FIRING = ("O", "A")
"""`pg_trigger.tgenabled` values of a trigger that fires in ordinary sessions."""


def check(url: str) -> list[Finding]:
    """Everything `runbook store check URL` reports, stopping where nothing further can be seen."""
    try:
        conn = connect(url)
    except StoreUnavailable as exc:
        return [Finding("connection", Level.PROBLEM, exc.message, exc.hint)]
    with conn, server_errors(url):
        findings = [_connection(conn, url), _schema(conn)]
        if findings[-1].ok:
            findings += [*safeguards(conn), _login(conn)]
    return findings


def safeguards(conn: Connection) -> list[Finding]:
    """The server-side guards of an append-only timeline: triggers and the role's grants."""
    return [_triggers(conn), _grants(conn)]


def _connection(conn: Connection, url: str) -> Finding:
    row = conn.execute("SELECT session_user, current_setting('server_version')").fetchone()
    login, version = (str(row[0]), str(row[1])) if row else ("?", "?")
    return Finding("connection", Level.OK, f"connected to {describe(url)} as {login} (PostgreSQL {version})")


def _schema(conn: Connection) -> Finding:
    version, latest = current_version(conn), latest_version()
    if version == 0:
        return Finding(
            "schema",
            Level.PROBLEM,
            "this database holds no incident store yet",
            "as the database's owner run: runbook store init URL",
        )
    if version < latest:
        return Finding(
            "schema",
            Level.PROBLEM,
            f"schema version {version}; this runbook-engine needs {latest}",
            "as the database's owner run: runbook store init URL (it only adds what is missing)",
        )
    if version > latest:
        return Finding(
            "schema",
            Level.WARNING,
            f"schema version {version} is newer than this runbook-engine ({latest})",
            "upgrade runbook-engine on this machine",
        )
    return Finding("schema", Level.OK, f"schema version {version}, current")


def _triggers(conn: Connection) -> Finding:
    rows = conn.execute(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_catalog.pg_trigger t"
        " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'runbook' AND NOT t.tgisinternal"
    ).fetchall()
    firing = {(str(table), str(name)) for table, name, enabled in rows if str(enabled) in _FIRING}
    absent = [
        f"{table}.{name}"
        for table, names in TRIGGERS.items()
        for name in names
        if (table, name) not in firing
    ]
    if absent:
        return Finding(
            "triggers",
            Level.PROBLEM,
            f"missing or disabled: {', '.join(absent)}",
            "someone with the owner's rights removed them: find out who, then re-create them from"
            " runbook_engine/timeline/migrations/0002_append_only.sql",
        )
    count = sum(len(names) for names in TRIGGERS.values())
    return Finding(
        "triggers", Level.OK, f"all {count} triggers in place: updates, deletes and truncates refused"
    )


def _grants(conn: Connection) -> Finding:
    if conn.execute("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = %s", (APP_ROLE,)).fetchone() is None:
        return Finding(
            "grants",
            Level.PROBLEM,
            f"there is no {APP_ROLE} role",
            "as the owner run: runbook store init URL",
        )
    granted = [
        f"{what} on {table}" for table in TABLES for what in FORBIDDEN if _may(conn, APP_ROLE, table, what)
    ]
    if granted:
        return Finding(
            "grants",
            Level.PROBLEM,
            f"the {APP_ROLE} role may {', '.join(granted)}",
            f"revoke it: REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(TABLES)} FROM {APP_ROLE}",
        )
    return Finding("grants", Level.OK, f"the {APP_ROLE} role may read and append, never update or delete")


def _login(conn: Connection) -> Finding:
    row = conn.execute(
        "SELECT session_user, rolsuper, pg_has_role(session_user, %s, 'USAGE')"
        " FROM pg_catalog.pg_roles WHERE rolname = session_user",
        (APP_ROLE,),
    ).fetchone()
    if row is None:
        return Finding("login", Level.WARNING, "cannot see this login's own role")
    login, superuser, member = str(row[0]), bool(row[1]), bool(row[2])
    rewrite = any(_may(conn, login, table, what) for table in TABLES for what in FORBIDDEN)
    if superuser or rewrite:
        return Finding(
            "login",
            Level.WARNING,
            f"{login} is {'a superuser' if superuser else 'the owner'}:"
            " fine for `store init`, not for responders",
            f"give each responder a login of their own: CREATE ROLE alice LOGIN; GRANT {APP_ROLE} TO alice",
        )
    if not member:
        return Finding(
            "login",
            Level.PROBLEM,
            f"{login} is not a member of the {APP_ROLE} role: it can neither read nor append",
            f"as the owner: GRANT {APP_ROLE} TO {login}",
        )
    return Finding("login", Level.OK, f"{login} reads and appends through the {APP_ROLE} role")


def _may(conn: Connection, role: str, table: str, what: str) -> bool:
    function = "has_any_column_privilege" if what == "UPDATE" else "has_table_privilege"
    row = conn.execute(f"SELECT {function}(%s, %s, %s)", (role, table, what)).fetchone()
    return bool(row and row[0])
