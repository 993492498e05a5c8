"""The schema, as numbered migrations. Add a migration; never edit a shipped one.

Identity tables (persons, groups, guardians) and the biometric table are kept
apart (GB/T 35273): `biometric_templates` holds no name and no person id, only
the credential it belongs to, and its contents are AES-GCM ciphertext.
The audit log refuses UPDATE and DELETE at the database level.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hub.storage.database import Dialect


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: its version, what it does, and its statements."""

    version: int
    description: str
    statements: Callable[[Dialect], list[str]]


_V1_TABLES = [
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE persons (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        birth_date TEXT,
        valid_from {real},
        valid_until {real},
        attributes TEXT NOT NULL DEFAULT '{{}}',
        left_at {real},
        created_at {real} NOT NULL,
        updated_at {real} NOT NULL
    )""",
    """CREATE TABLE person_groups (
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        group_name TEXT NOT NULL,
        PRIMARY KEY (person_id, group_name)
    )""",
    "CREATE INDEX person_groups_group ON person_groups (group_name)",
    """CREATE TABLE qualifications (
        person_id TEXT PRIMARY KEY REFERENCES persons(id) ON DELETE CASCADE,
        status TEXT NOT NULL,
        reviewer TEXT,
        reviewed_at {real},
        valid_until {real},
        note TEXT
    )""",
    """CREATE TABLE guardians (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        relation TEXT NOT NULL,
        targets TEXT NOT NULL DEFAULT '[]',
        guardian_person_id TEXT REFERENCES persons(id) ON DELETE CASCADE,
        created_at {real} NOT NULL
    )""",
    "CREATE INDEX guardians_person ON guardians (person_id)",
    """CREATE TABLE households (
        household TEXT NOT NULL,
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        PRIMARY KEY (household, person_id)
    )""",
    """CREATE TABLE consents (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        purpose TEXT NOT NULL,
        granted_by TEXT NOT NULL,
        granted_by_role TEXT NOT NULL,
        guardian_id TEXT,
        channel TEXT NOT NULL,
        text_version TEXT NOT NULL,
        granted_at {real} NOT NULL,
        withdrawn_at {real},
        withdrawn_by TEXT,
        withdrawn_channel TEXT
    )""",
    "CREATE INDEX consents_person ON consents (person_id, purpose)",
    """CREATE TABLE credentials (
        id TEXT PRIMARY KEY,
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        lookup TEXT,
        secret TEXT,
        data TEXT NOT NULL DEFAULT '{{}}',
        valid_from {real},
        valid_until {real},
        uses_left INTEGER,
        consent_id TEXT,
        created_at {real} NOT NULL,
        UNIQUE (type, lookup)
    )""",
    "CREATE INDEX credentials_person ON credentials (person_id, type)",
    """CREATE TABLE biometric_templates (
        id TEXT PRIMARY KEY,
        credential_id TEXT NOT NULL REFERENCES credentials(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        quality {real},
        dim INTEGER NOT NULL,
        nonce {blob} NOT NULL,
        ciphertext {blob} NOT NULL,
        created_at {real} NOT NULL
    )""",
    "CREATE INDEX biometric_templates_credential ON biometric_templates (credential_id)",
    """CREATE TABLE schedules (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        windows TEXT NOT NULL,
        calendars TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE holidays (
        calendar TEXT NOT NULL,
        day TEXT NOT NULL,
        name TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (calendar, day)
    )""",
    """CREATE TABLE schedule_assignments (
        subject_type TEXT NOT NULL,
        subject TEXT NOT NULL,
        schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
        target TEXT NOT NULL,
        PRIMARY KEY (subject_type, subject, schedule_id, target)
    )""",
    """CREATE TABLE zones (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        anti_passback TEXT NOT NULL DEFAULT 'off',
        passback_seconds INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE gates (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        zone_id TEXT REFERENCES zones(id),
        direction TEXT NOT NULL DEFAULT 'both'
    )""",
    """CREATE TABLE occupancy (
        person_id TEXT NOT NULL REFERENCES persons(id) ON DELETE CASCADE,
        zone_id TEXT NOT NULL,
        inside INTEGER NOT NULL,
        gate_id TEXT,
        since {real} NOT NULL,
        PRIMARY KEY (person_id, zone_id)
    )""",
    """CREATE TABLE access_log (
        id {serial_pk},
        ts {real} NOT NULL,
        decision TEXT NOT NULL,
        person_id TEXT,
        credential_type TEXT,
        credential_id TEXT,
        gate_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        score {real},
        temperature {real},
        mask TEXT,
        liveness {real},
        rule TEXT,
        reasons TEXT NOT NULL DEFAULT '[]',
        details TEXT NOT NULL DEFAULT '{{}}'
    )""",
    "CREATE INDEX access_log_person_ts ON access_log (person_id, ts)",
    "CREATE INDEX access_log_gate_ts ON access_log (gate_id, ts)",
    "CREATE INDEX access_log_ts ON access_log (ts)",
    """CREATE TABLE access_passages (
        id {serial_pk},
        access_id {bigint} NOT NULL,
        ts {real} NOT NULL,
        outcome TEXT NOT NULL
    )""",
    "CREATE INDEX access_passages_access ON access_passages (access_id)",
    """CREATE TABLE snapshots (
        id TEXT PRIMARY KEY,
        person_id TEXT,
        access_id {bigint},
        ts {real} NOT NULL,
        expires_at {real} NOT NULL,
        nonce {blob} NOT NULL,
        ciphertext {blob} NOT NULL
    )""",
    "CREATE INDEX snapshots_person ON snapshots (person_id)",
    """CREATE TABLE audit_log (
        seq {bigint} PRIMARY KEY,
        ts {real} NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject_type TEXT NOT NULL,
        subject TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    )""",
]

# The audit chain's head exists from the start, so appenders only ever lock it.
_V1_SEED = ["INSERT INTO meta (key, value) VALUES ('audit_head', '0:" + "0" * 64 + "')"]

_SQLITE_APPEND_ONLY = [
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]

_POSTGRES_APPEND_ONLY = [
    """CREATE FUNCTION menjin_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION 'the audit log is append-only'; END
    $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION menjin_append_only()""",
]


def _v1(dialect: Dialect) -> list[str]:
    tables = [dialect.ddl(statement) for statement in _V1_TABLES]
    guards = _SQLITE_APPEND_ONLY if dialect.name == "sqlite" else _POSTGRES_APPEND_ONLY
    return [*tables, *_V1_SEED, *guards]


# Notifications: the durable outbox (at-least-once delivery, one row per message and
# recipient, keyed by its idempotency key) and the one-key-open links handed out.
# `subject_person_id` / `recipient_person_id` let erasure find a person's messages.
_V2_TABLES = [
    """CREATE TABLE notify_outbox (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        address TEXT,
        recipient TEXT NOT NULL,
        recipient_person_id TEXT,
        subject_person_id TEXT,
        language TEXT,
        title TEXT,
        message TEXT NOT NULL,
        data TEXT NOT NULL DEFAULT '{{}}',
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at {real} NOT NULL,
        created_at {real} NOT NULL,
        updated_at {real} NOT NULL,
        sent_at {real},
        last_error TEXT,
        context_id TEXT
    )""",
    "CREATE INDEX notify_outbox_due ON notify_outbox (status, next_attempt_at)",
    "CREATE INDEX notify_outbox_subject ON notify_outbox (subject_person_id)",
    "CREATE INDEX notify_outbox_recipient ON notify_outbox (recipient_person_id)",
    """CREATE TABLE one_key_tokens (
        nonce TEXT PRIMARY KEY,
        gate_id TEXT NOT NULL,
        resident_id TEXT NOT NULL,
        visitor_id TEXT,
        event_id TEXT NOT NULL,
        issued_at {real} NOT NULL,
        expires_at {real} NOT NULL,
        used_at {real},
        access_id {bigint}
    )""",
    "CREATE INDEX one_key_tokens_event ON one_key_tokens (event_id)",
]


def _v2(dialect: Dialect) -> list[str]:
    return [dialect.ddl(statement) for statement in _V2_TABLES]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "people, credentials, consent, access log, audit", _v1),
    Migration(2, "notification outbox and one-key-open links", _v2),
)
LATEST_VERSION = MIGRATIONS[-1].version
