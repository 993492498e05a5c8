"""Who gets a message, on which channels, in which language, and when they may be woken.

Where recipients live (decided in issue 7):
- **Guardians** are people-store records (`menjin people guardian --notify …`); their
  `targets` are their channels, in order of preference, all used.
- **Residents and staff** are persons; their channels and preferences are person
  attributes: `notify_targets` (comma-separated), `language`, `quiet_hours`.
- **Desks and staff groups** that are not persons, and overrides for anyone, are
  entries of `notify: recipients:` in configuration.yaml, keyed by a name, a person id
  or a guardian id. An entry there wins over the stored attributes.

A target is written `name` (a target configured under `notify: targets:`),
`name:address` (that target, to one address: an e-mail, an MQTT topic suffix)
or an apprise URL (`tgram://…`, `mailto://…`), which goes through apprise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from hub.notify.const import (
    APPRISE_TARGET,
    ATTR_LANGUAGE,
    ATTR_NOTIFY_TARGETS,
    ATTR_QUIET_HOURS,
    DEFAULT_LANGUAGE,
)
from hub.privacy.const import Purpose

if TYPE_CHECKING:
    from hub.people.model import Person
    from hub.people.store import PeopleStore

_QUIET = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A daily window (site time) in which only urgent messages are sent."""

    start: time
    end: time

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`22:00-07:00`; ValueError says how to write it."""
        match = _QUIET.match(str(text))
        if not match:
            raise ValueError(f"quiet hours {text!r} must look like 22:00-07:00")
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"quiet hours {text!r} hold an impossible time")
        return cls(time(h1, m1), time(h2, m2))

    def release(self, now: datetime) -> datetime | None:
        """When the quiet window around `now` ends, or None when `now` is not in one."""
        today = now.date()
        start = datetime.combine(today, self.start, now.tzinfo)
        end = datetime.combine(today, self.end, now.tzinfo)
        if self.start == self.end:
            return None
        if self.start < self.end:
            return end if start <= now < end else None
        # Overnight window such as 22:00-07:00.
        if now >= start:
            return end + timedelta(days=1)
        if now < end:
            return end
        return None

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class TargetRef:
    """One channel of a recipient: a configured target, maybe with an address."""

    target: str
    address: str | None = None

    @classmethod
    def parse(cls, text: str) -> TargetRef:
        """`desk_webhook`, `mail:mum@example.com`, `notify.desk`, or an apprise URL."""
        value = str(text).strip()
        if "://" in value:
            return cls(APPRISE_TARGET, value)
        value = value.removeprefix("notify.")
        name, _sep, address = value.partition(":")
        return cls(name.strip(), address.strip() or None)


@dataclass(frozen=True, slots=True)
class Recipient:
    """A resolved recipient: who, which channels, which language, quiet hours."""

    key: str
    name: str
    targets: tuple[TargetRef, ...]
    language: str = DEFAULT_LANGUAGE
    quiet_hours: QuietHours | None = None
    person_id: str | None = None
    guardian_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecipientSettings:
    """The `notify:` settings recipient resolution needs (shared by hub and CLI)."""

    language: str = DEFAULT_LANGUAGE
    quiet_hours: QuietHours | None = None
    time_zone: str = "UTC"
    recipients: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(slots=True)
class Resolution:
    """Recipients found, and sentences about the ones that were not."""

    recipients: list[Recipient] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def split_targets(value: Any) -> list[str]:
    """Targets from a list, or from text (`a, b` or a rendered `['a', 'b']`)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]"):
            text = text[1:-1]
        return [part.strip().strip("'\"") for part in text.split(",") if part.strip()]
    return [str(item).strip() for item in value if str(item).strip()]


def _quiet(value: Any, default: QuietHours | None) -> QuietHours | None:
    if value in (None, ""):
        return default
    if str(value).lower() in ("off", "none", "no"):
        return None
    return QuietHours.parse(str(value))


def _from_entry(key: str, name: str, entry: Mapping[str, Any], settings: RecipientSettings,
                fallback_targets: Iterable[str] = (), person_id: str | None = None,
                guardian_id: str | None = None,
                attributes: Mapping[str, Any] | None = None) -> Recipient:
    attributes = attributes or {}
    targets = split_targets(entry.get("targets")) or list(fallback_targets) or split_targets(
        attributes.get(ATTR_NOTIFY_TARGETS))
    language = entry.get("language") or attributes.get(ATTR_LANGUAGE) or settings.language
    quiet = _quiet(entry.get("quiet_hours", attributes.get(ATTR_QUIET_HOURS)),
                   settings.quiet_hours)
    return Recipient(key=key, name=str(entry.get("name") or name),
                     targets=tuple(TargetRef.parse(t) for t in targets),
                     language=str(language), quiet_hours=quiet, person_id=person_id,
                     guardian_id=guardian_id)


async def async_resolve(
    store: PeopleStore | None,
    settings: RecipientSettings,
    targets: Iterable[str] = (),
    persons: Iterable[str] = (),
    guardians_of: Iterable[str] = (),
) -> Resolution:
    """Turn the recipients a caller named into `Recipient`s; never raises for bad names."""
    result = Resolution()
    for text in targets:
        entry = settings.recipients.get(text)
        if entry is not None:
            result.recipients.append(_from_entry(f"recipient:{text}", text, entry, settings))
        else:
            result.recipients.append(Recipient(
                key=f"target:{text}", name=text, targets=(TargetRef.parse(text),),
                language=settings.language, quiet_hours=settings.quiet_hours))
    for person_id in persons:
        person = await store.persons.async_get(person_id) if store is not None else None
        if person is None:
            result.errors.append(f"unknown person '{person_id}'")
            continue
        recipient = _person_recipient(person, settings)
        if not recipient.targets:
            result.errors.append(
                f"person '{person_id}' has no notification targets (set the person attribute "
                f"'{ATTR_NOTIFY_TARGETS}' or add them under notify: recipients:)")
            continue
        result.recipients.append(recipient)
    for person_id in guardians_of:
        await _async_guardians(store, settings, person_id, result)
    return result


def _person_recipient(person: Person, settings: RecipientSettings) -> Recipient:
    return _from_entry(f"person:{person.id}", person.name,
                       settings.recipients.get(person.id, {}), settings,
                       person_id=person.id, attributes=person.attributes)


async def _async_guardians(store: PeopleStore | None, settings: RecipientSettings,
                           person_id: str, result: Resolution) -> None:
    person = await store.persons.async_get(person_id) if store is not None else None
    if store is None or person is None:
        result.errors.append(f"unknown person '{person_id}' (guardians_of)")
        return
    guardians = await store.persons.async_guardians(person_id)
    if not guardians:
        result.errors.append(f"person '{person_id}' has no guardians to notify")
        return
    if await store.consents.async_active(person_id, Purpose.guardian_notifications) is None:
        # Telling a guardian about a child's passage is processing the child's data:
        # it needs its own consent (PIPL art. 29/31). Not an error; a decision.
        result.skipped.append(f"{person_id}: no guardian_notifications consent recorded")
        return
    for guardian in guardians:
        attributes: Mapping[str, Any] = {}
        if guardian.guardian_person_id:
            own = await store.persons.async_get(guardian.guardian_person_id)
            attributes = own.attributes if own is not None else {}
        recipient = _from_entry(
            f"guardian:{guardian.id}", guardian.name, settings.recipients.get(guardian.id, {}),
            settings, fallback_targets=guardian.targets, person_id=guardian.guardian_person_id,
            guardian_id=guardian.id, attributes=attributes)
        if not recipient.targets:
            result.errors.append(f"guardian '{guardian.id}' of '{person_id}' has no targets")
            continue
        result.recipients.append(recipient)


def release_time(recipient: Recipient, now: float, tz_name: str) -> float | None:
    """When a non-urgent message to this recipient may go out, if not now."""
    if recipient.quiet_hours is None:
        return None
    moment = datetime.fromtimestamp(now, ZoneInfo(tz_name))
    release = recipient.quiet_hours.release(moment)
    return None if release is None else release.timestamp()
