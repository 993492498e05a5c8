"""Purposes of processing, consent roles and audit action names."""

from __future__ import annotations

import enum
from typing import Final

# The line above which a site must file with the provincial CAC (Measures art. 15).
FILING_THRESHOLD: Final = 100_000
# Warn from this fraction of the line, so there is time to file.
FILING_WARNING_FRACTION: Final = 0.8


class Purpose(enum.StrEnum):
    """What a consent is for; each is separate (PIPL art. 29)."""

    gate_entry = "gate_entry"  # using the face to open gates
    attendance = "attendance"
    guardian_notifications = "guardian_notifications"
    snapshot = "snapshot"  # keeping a face snapshot of passages


class ConsentRole(enum.StrEnum):
    """Who gave a consent: the person, or a guardian on their behalf."""

    self = "self"
    guardian = "guardian"


# Audit actions (subject_type, action): grep-able names.
AUDIT_BIOMETRIC_CREATE: Final = "biometric.create"
AUDIT_BIOMETRIC_READ: Final = "biometric.read"
AUDIT_BIOMETRIC_DELETE: Final = "biometric.delete"
AUDIT_BIOMETRIC_EXPORT: Final = "biometric.export"
AUDIT_CONSENT_GRANT: Final = "consent.grant"
AUDIT_CONSENT_WITHDRAW: Final = "consent.withdraw"
AUDIT_PERSON_EXPORT: Final = "person.export"
AUDIT_PERSON_ERASE: Final = "person.erase"
AUDIT_RETENTION_RUN: Final = "retention.run"
AUDIT_RULE_CHANGE: Final = "rule.change"
AUDIT_THRESHOLD_CHANGE: Final = "threshold.change"
AUDIT_CREDENTIAL_ISSUE: Final = "credential.issue"
AUDIT_CREDENTIAL_REVOKE: Final = "credential.revoke"
