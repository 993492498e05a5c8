"""Should this person pass this gate now? Every rule a site needs, with its reasons.

The automation engine calls `AccessPolicy.async_check` after it has resolved a
credential to a person; the result carries the rule that decided and every
reason, ready for the access log. Any unreadable record means "denied" with
the reason `corrupt_record`: nothing is granted on data that cannot be read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hub.people.const import (
    AntiPassback,
    CredentialType,
    Direction,
    PersonKind,
    PersonStatus,
)
from hub.people.model import Person
from hub.people.persons import PersonRepository
from hub.people.schedules import ScheduleRepository
from hub.people.sites import SiteRepository
from hub.privacy.consent import ConsentLedger
from hub.privacy.const import Purpose
from hub.storage import StorageError

_LOGGER = logging.getLogger(__name__)

RULE_GRANTED = "person_valid"


@dataclass(frozen=True, slots=True)
class AccessCheck:
    """The verdict: allowed or not, the deciding rule, and all reasons found."""

    allowed: bool
    rule: str
    reasons: tuple[str, ...]
    person: Person | None = None
    zone_id: str | None = None


def _deny(reasons: list[str], person: Person | None = None,
          zone_id: str | None = None) -> AccessCheck:
    return AccessCheck(False, reasons[0], tuple(reasons), person, zone_id)


class AccessPolicy:
    """Status, permit window, contractor review, consent, schedule and anti-passback."""

    def __init__(self, persons: PersonRepository, consents: ConsentLedger,
                 schedules: ScheduleRepository, sites: SiteRepository, tz: ZoneInfo) -> None:
        self._persons = persons
        self._consents = consents
        self._schedules = schedules
        self._sites = sites
        self._tz = tz

    async def async_check(
        self,
        person_id: str | None,
        gate_id: str,
        credential_type: CredentialType,
        direction: Direction = Direction.entry,
        when: datetime | None = None,
    ) -> AccessCheck:
        """Check every rule; never raises for bad data, it denies."""
        when = when or datetime.now(UTC)
        if person_id is None:
            return _deny(["unknown_person"])
        try:
            return await self._check(person_id, gate_id, credential_type, direction, when)
        except StorageError as err:
            _LOGGER.error("Access to %s denied for %s: %s", gate_id, person_id, err)
            return _deny(["corrupt_record", str(err)])

    async def _check(self, person_id: str, gate_id: str, credential_type: CredentialType,
                     direction: Direction, when: datetime) -> AccessCheck:
        person = await self._persons.async_get(person_id)
        if person is None:
            return _deny(["unknown_person"])
        gate = await self._sites.async_gate(gate_id)
        zone_id = gate.zone_id if gate else None
        reasons: list[str] = []
        if person.status is not PersonStatus.active:
            reasons.append(f"status_{person.status}")
        if person.valid_from is not None and when < person.valid_from:
            reasons.append("permit_not_started")
        if person.valid_until is not None and when >= person.valid_until:
            reasons.append("permit_expired")
        if person.kind is PersonKind.contractor:
            review = person.qualification
            if review is None:
                reasons.append("qualification_missing")
            elif not review.is_valid_at(when):
                reasons.append(f"qualification_{review.status}"
                               if review.status != "approved" else "qualification_expired")
        if credential_type is CredentialType.face:
            consent = await self._consents.async_active(person.id, Purpose.gate_entry)
            if consent is None:
                reasons.append("no_face_consent")
        reasons += await self._schedule_reasons(person, gate_id, zone_id, when)
        if zone_id is not None:
            reasons += await self._passback_reasons(person.id, zone_id, direction, when)
        if reasons:
            return _deny(reasons, person, zone_id)
        return AccessCheck(True, RULE_GRANTED, (), person, zone_id)

    async def _schedule_reasons(self, person: Person, gate_id: str, zone_id: str | None,
                                when: datetime) -> list[str]:
        schedules = await self._schedules.async_for(person, gate_id, zone_id)
        if not schedules:
            return []  # no schedule assigned: no time restriction
        local = when.astimezone(self._tz)
        holiday = False
        for schedule in schedules:
            holidays = await self._schedules.async_holidays(schedule.calendars)
            if schedule.is_open(local, holidays):
                return []
            holiday = holiday or local.date() in holidays
        return ["holiday"] if holiday else ["outside_schedule"]

    async def _passback_reasons(self, person_id: str, zone_id: str, direction: Direction,
                                when: datetime) -> list[str]:
        zone = await self._sites.async_zone(zone_id)
        if zone is None or zone.anti_passback is AntiPassback.off:
            return []
        presence = await self._sites.async_presence(person_id, zone_id)
        if presence is None:
            return []
        entering = direction is Direction.entry
        if zone.anti_passback is AntiPassback.logical and presence.inside == entering:
            return ["anti_passback_logical"]
        if (zone.anti_passback is AntiPassback.timed and presence.inside == entering
                and when - presence.since < timedelta(seconds=zone.passback_seconds)):
            return ["anti_passback_timed"]
        return []
