"""Turn "tell these people this" into rendered outbox rows, one per recipient and channel.

Shared by the `notify.send` service and the CLI (which queues visitor passes
without a running hub). Nothing is sent here and nothing raises for a bad
recipient or template: each problem becomes a dead letter with its reason, so
a mistake is visible in `menjin outbox` instead of silently dropped.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from hub.notify.const import APPRISE_TARGET
from hub.notify.messages import local_time, message_source, pick_language, render
from hub.notify.model import NewMessage, new_message_id
from hub.notify.recipients import Recipient, RecipientSettings, async_resolve, release_time
from hub.privacy.const import Purpose
from hub.template import TemplateError

if TYPE_CHECKING:
    from hub.core import Hub
    from hub.people.store import PeopleStore

# Keys that could carry an image or file: dropped from every message's data, because
# no image leaves the site as an attachment (PRIVACY.md checklist item 4).
_MEDIA_KEYS = frozenset({"image", "images", "snapshot", "photo", "attachment", "attach",
                         "attachments", "file", "entity_picture"})


@dataclass(frozen=True, slots=True)
class SendRequest:
    """What a caller asked for."""

    targets: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()
    guardians_of: tuple[str, ...] = ()
    message: str | Mapping[str, str] | None = None
    message_key: str | None = None
    title: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    key: str | None = None
    urgent: bool = False
    context_id: str | None = None


@dataclass(frozen=True, slots=True)
class ComposeSettings:
    """Site settings composing needs: recipients, texts, names of gates.

    `snapshot_link` turns a snapshot id into a short-lived signed URL on the
    hub; without it (the CLI, a hub without the web server) no link is made.
    """

    recipients: RecipientSettings = field(default_factory=RecipientSettings)
    messages: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    gate_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    snapshot_link: Callable[[str], str] | None = None


@dataclass(slots=True)
class Composition:
    """Rows to queue, rows that are dead on arrival, and what was skipped on purpose."""

    messages: list[NewMessage] = field(default_factory=list)
    dead: list[tuple[NewMessage, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """The reasons of the dead letters."""
        return [error for _message, error in self.dead]


def clean_data(data: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's data without images, files or raw bytes (and no snapshot reference)."""
    return {key: value for key, value in data.items()
            if key not in _MEDIA_KEYS and key not in ("snapshot_id", "snapshot_url")
            and not isinstance(value, bytes | bytearray | memoryview)}


async def _async_snapshot_url(store: PeopleStore | None, settings: ComposeSettings,
                              data: Mapping[str, Any]) -> str | None:
    """A signed link to the passage snapshot, only with the pictured person's consent.

    The consent checked is the `snapshot` purpose of the person in the picture
    (given by a guardian for a child): without it the message stays text only.
    """
    snapshot_id, person_id = data.get("snapshot_id"), data.get("person_id")
    if not snapshot_id or not person_id or store is None or settings.snapshot_link is None:
        return None
    if await store.consents.async_active(str(person_id), Purpose.snapshot) is None:
        return None
    return settings.snapshot_link(str(snapshot_id))


def _message_id(key: str | None, recipient: str, target: str, address: str | None) -> str:
    if key is None:
        return new_message_id()
    digest = hashlib.sha256("\x1f".join((key, recipient, target, address or "")).encode())
    return "n_" + digest.hexdigest()[:32]


async def _async_localised_names(store: PeopleStore | None, data: Mapping[str, Any]
                                 ) -> Mapping[str, Any]:
    person_id = data.get("person_id")
    if store is None or not person_id:
        return {}
    person = await store.persons.async_get(str(person_id))
    return person.attributes if person is not None else {}


def _variables(request: SendRequest, recipient: Recipient, settings: ComposeSettings,
               person_attributes: Mapping[str, Any], hub: Hub | None,
               now: float) -> dict[str, Any]:
    language = recipient.language
    data = clean_data(request.data)
    variables: dict[str, Any] = {**data, "recipient_name": recipient.name,
                                 "language": language}
    variables.setdefault("time", local_time(hub, now, settings.recipients.time_zone))
    gate = data.get("gate")
    names = settings.gate_names.get(str(gate)) if gate else None
    if names:
        variables["gate_name"] = pick_language(names, language)
    elif gate and not data.get("gate_name"):
        variables["gate_name"] = str(gate)
    primary = language.split("-")[0]
    for attribute in (f"name_{language}", f"name_{primary}"):
        if person_attributes.get(attribute):
            variables["person_name"] = str(person_attributes[attribute])
            break
    return variables


def _source(request: SendRequest, settings: ComposeSettings, language: str) -> str:
    if request.message_key:
        return message_source(request.message_key, language, settings.messages,
                              settings.recipients.language)
    if isinstance(request.message, Mapping):
        return pick_language(request.message, language, settings.recipients.language)
    return request.message or ""


async def async_compose(
    store: PeopleStore | None, settings: ComposeSettings, request: SendRequest,
    known_targets: Collection[str], hub: Hub | None = None,
) -> Composition:
    """Resolve recipients and render each one's text in their language."""
    now = time.time()
    result = Composition()
    resolution = await async_resolve(store, settings.recipients, request.targets,
                                     request.persons, request.guardians_of)
    result.skipped.extend(resolution.skipped)
    subject = str(request.data.get("person_id") or "") or None
    for reason in resolution.errors:
        result.dead.append((NewMessage(target="-", recipient="-", message="(not rendered)",
                                       subject_person_id=subject,
                                       context_id=request.context_id), reason))
    attributes = await _async_localised_names(store, request.data)
    data = clean_data(request.data)
    snapshot_url = await _async_snapshot_url(store, settings, request.data)
    if snapshot_url is not None:
        data["snapshot_url"] = snapshot_url
    for recipient in resolution.recipients:
        variables = _variables(request, recipient, settings, attributes, hub, now)
        if snapshot_url is not None:
            variables["snapshot_url"] = snapshot_url
        not_before = None if request.urgent else release_time(
            recipient, now, settings.recipients.time_zone)
        title: str | None = None
        error: str | None = None
        try:
            text = render(_source(request, settings, recipient.language), variables, hub)
            title = render(request.title, variables, hub) if request.title else None
            if not text:
                error = "the message rendered to an empty text"
        except TemplateError as err:
            text, error = "(not rendered)", str(err)
        for ref in recipient.targets:
            message = NewMessage(
                id=_message_id(request.key, recipient.key, ref.target, ref.address),
                target=ref.target, address=ref.address, recipient=recipient.key,
                message=text, title=title, data=data,
                language=recipient.language, recipient_person_id=recipient.person_id,
                not_before=not_before, subject_person_id=subject,
                context_id=request.context_id)
            if error is not None:
                result.dead.append((message, f"{recipient.key}: {error}"))
            elif ref.target not in known_targets and ref.target != APPRISE_TARGET:
                result.dead.append((message, f"{recipient.key}: no notify target named "
                                    f"'{ref.target}' (known: {', '.join(sorted(known_targets))})"))
            else:
                result.messages.append(message)
    return result
