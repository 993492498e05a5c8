"""Least privilege: which role may do what.

Installers wire devices but never see biometric data, nor who passed (the
access log and the notification texts name people); operators run the gate
desk; guardians see only their own children; only admins change people,
consents, rules and users.
"""

from __future__ import annotations

from enum import StrEnum

from hub.auth.models import Role


class Permission(StrEnum):
    """A thing the API lets someone do."""

    READ_STATES = "read_states"
    CALL_SERVICES = "call_services"
    MANAGE_DEVICES = "manage_devices"
    READ_PEOPLE = "read_people"
    MANAGE_PEOPLE = "manage_people"
    READ_BIOMETRICS = "read_biometrics"
    ENROL_FACES = "enrol_faces"
    READ_ACCESS_LOG = "read_access_log"
    READ_OWN_CHILDREN = "read_own_children"
    READ_AUTOMATIONS = "read_automations"
    MANAGE_USERS = "manage_users"
    READ_OUTBOX = "read_outbox"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.INSTALLER: frozenset({
        Permission.READ_STATES, Permission.CALL_SERVICES, Permission.MANAGE_DEVICES,
        Permission.READ_AUTOMATIONS,
    }),
    Role.OPERATOR: frozenset({
        Permission.READ_STATES, Permission.CALL_SERVICES, Permission.READ_PEOPLE,
        Permission.READ_ACCESS_LOG, Permission.READ_AUTOMATIONS, Permission.ENROL_FACES,
        Permission.READ_OUTBOX,
    }),
    Role.GUARDIAN: frozenset({Permission.READ_OWN_CHILDREN}),
}


def has_permission(role: Role, permission: Permission) -> bool:
    """True when the role grants the permission."""
    return permission in ROLE_PERMISSIONS[role]
