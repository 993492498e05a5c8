"""Face enrolment from uploaded photos, photo checks for the camera preview, face removal.

Consent is checked before the upload is even read. Photos are held in memory
only as long as the engine needs them, decoded in a worker, and never written
anywhere: only the encrypted templates are kept (PRIVACY.md item 3). Reading
a person's templates is a biometric read and is audited.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from hub.auth.permissions import Permission
from hub.face.align import align_face
from hub.face.engine import FaceEngine
from hub.face.errors import FaceEngineError
from hub.face.imageio import read_header
from hub.face.quality import assess_quality
from hub.face.results import EnrolmentResult
from hub.http.api_common import (
    PERSON_ID_SCHEMA,
    actor,
    face_engine,
    people_store,
    store_errors,
)
from hub.http.serialize import credential_json
from hub.http.view import HubView, http_error, json_response
from hub.people.const import CredentialType
from hub.people.enrolment import async_enroll_photos
from hub.privacy.const import Purpose

_LOGGER = logging.getLogger(__name__)

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 6 * 1024 * 1024
_PHOTO_JSON: dict[str, Any] = {"type": "string", "contentEncoding": "base64",
                               "description": "a JPEG/PNG/WebP photo, base64 or a data: URL"}
PHOTO_BODY: dict[str, Any] = {
    "multipart": {"type": "object", "required": ["photo"], "properties": {
        "photo": {"type": "string", "format": "binary"}}},
    "json": {"type": "object", "anyOf": [{"required": ["photo"]}, {"required": ["photos"]}],
             "properties": {
        "photo": _PHOTO_JSON,
        "photos": {"type": "array", "items": _PHOTO_JSON, "minItems": 1,
                   "maxItems": MAX_PHOTOS}}},
}


@dataclass(frozen=True, slots=True)
class Upload:
    """Photos as bytes, checked to be images (their header, not their pixels)."""

    photos: list[bytes]


def _decode_base64(items: list[Any]) -> list[bytes]:
    photos = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise ValueError(f"photo {index} must be base64 text")
        text = item.split(",", 1)[1] if item.startswith("data:") and "," in item else item
        try:
            photos.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError) as err:
            raise ValueError(f"photo {index} is not valid base64") from err
    return photos


def _check_images(photos: list[bytes]) -> str | None:
    """The first reason a photo is not an image we read, or None (blocking: run off the loop)."""
    for index, data in enumerate(photos):
        try:
            read_header(data)
        except FaceEngineError as err:
            return f"photo {index}: {err}"
    return None


async def _read_part(part: BodyPartReader) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        data.extend(chunk)
        if len(data) > MAX_PHOTO_BYTES:
            raise http_error(web.HTTPRequestEntityTooLarge,
                             f"a photo may have at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    return bytes(data)


async def _read_multipart(request: web.Request) -> list[bytes]:
    photos: list[bytes] = []
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.filename is None and part.name not in ("photo", "photos"):
            await part.release()
            continue
        if len(photos) >= MAX_PHOTOS:
            raise http_error(web.HTTPBadRequest, f"send at most {MAX_PHOTOS} photos")
        photos.append(await _read_part(part))
    return photos


async def read_photos(view: HubView) -> Upload:
    """Photos from multipart/form-data file parts or JSON `photo`/`photos` (base64)."""
    request = view.request
    photos: list[bytes] = []
    if request.content_type == "multipart/form-data":
        try:
            photos = await _read_multipart(request)
        except (ValueError, AssertionError, HttpProcessingError) as err:
            raise http_error(web.HTTPBadRequest, f"malformed multipart body: {err}") from err
    elif request.content_type == "application/json":
        body = await view.json_body()
        items = body.get("photos", [body["photo"]] if "photo" in body else [])
        if not isinstance(items, list):
            raise http_error(web.HTTPBadRequest, "'photos' must be a list of base64 photos")
        if len(items) > MAX_PHOTOS:
            raise http_error(web.HTTPBadRequest, f"send at most {MAX_PHOTOS} photos")
        try:
            photos = await view.hub.async_add_executor_job(_decode_base64, items)
        except ValueError as err:
            raise http_error(web.HTTPBadRequest, str(err)) from err
    else:
        raise http_error(web.HTTPUnsupportedMediaType,
                         "send the photo as multipart/form-data or as JSON with base64")
    if not photos:
        raise http_error(web.HTTPBadRequest,
                         "no photo: add a file part 'photo' or JSON 'photo' (base64)")
    if any(len(p) > MAX_PHOTO_BYTES for p in photos):
        raise http_error(web.HTTPRequestEntityTooLarge,
                         f"a photo may have at most {MAX_PHOTO_BYTES // (1024 * 1024)} MB")
    problem = await view.hub.async_add_executor_job(_check_images, photos)
    if problem is not None:
        raise http_error(web.HTTPUnsupportedMediaType, problem)
    return Upload(photos)


def enrolment_json(result: EnrolmentResult) -> dict[str, Any]:
    """The engine's verdict: what was kept, what was refused and why."""
    return {
        "person_id": result.person_id, "enrolled": result.enrolled,
        "accepted": result.accepted,
        "rejected": [{"index": r.index, "reasons": list(r.reasons)} for r in result.rejected],
        "warnings": list(result.warnings),
        "duplicates": [{"person_id": c.person_id, "score": c.score} for c in result.duplicates],
    }


def check_photo(engine: FaceEngine, data: bytes) -> dict[str, Any]:
    """Would this photo enrol? Faces found and the enrolment quality verdict (blocking)."""
    try:
        faces = engine.find_faces(data)
    except FaceEngineError as err:
        return {"ok": False, "faces": 0, "reasons": [str(err)]}
    if len(faces) != 1:
        reason = "no face found" if not faces else \
            f"{len(faces)} faces found; the photo must show one"
        return {"ok": False, "faces": len(faces), "reasons": [reason]}
    from hub.face.engine import to_frame

    frame = to_frame(data)
    verdict = assess_quality(faces[0], align_face(frame, faces[0]),
                             engine.config.enrolment_quality)
    m = verdict.measures
    return {"ok": verdict.ok, "faces": 1, "reasons": list(verdict.reasons),
            "measures": {"inter_eye_px": round(m.inter_eye_px, 1), "blur": round(m.blur, 1),
                         "brightness": round(m.brightness, 1), "yaw": round(m.yaw, 1),
                         "pitch": round(m.pitch, 1), "roll": round(m.roll, 1)},
            "box": {"x": faces[0].box.x, "y": faces[0].box.y, "width": faces[0].box.width,
                    "height": faces[0].box.height}}


class FaceView(HubView):
    """A person's face credential: enrol from photos, read templates (audited), delete."""

    url = "/api/people/{person_id}/face"
    name = "api:person:face"
    summaries = {
        "get": "A person's face templates' metadata (admin; audited biometric read)",
        "post": "Enrol a face from uploaded photos (consent required; photos not stored)",
        "delete": "Delete a person's face credentials (admin)",
    }
    path_schemas = {"person_id": PERSON_ID_SCHEMA}
    bodies = {"post": PHOTO_BODY}

    async def get(self) -> web.Response:
        self.require(Permission.READ_BIOMETRICS)
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            templates = await store.biometrics.async_templates_of(person_id, actor(self), "api")
        return json_response([
            {"template_id": t.template_id, "credential_id": t.credential_id,
             "model_id": t.model_id, "quality": t.quality, "dim": int(t.vector.shape[0])}
            for t in templates])

    async def post(self) -> web.Response:
        self.require(Permission.ENROL_FACES)
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            if await store.consents.async_active(person_id, Purpose.gate_entry) is None:
                return json_response({
                    "error": f"No valid gate-entry consent for {person_id}: record it first "
                             "(a guardian's for under-14s). The photo was not read; the "
                             "person can use a card, QR pass or PIN instead.",
                    "consent_required": True}, 422)
        engine = face_engine(self)
        upload = await read_photos(self)
        async with store_errors():
            result = await async_enroll_photos(store, engine, person_id, upload.photos,
                                               actor(self))
        del upload  # the photos go now; only templates remain
        return json_response(enrolment_json(result), 201 if result.enrolled else 422)

    async def delete(self) -> web.Response:
        self.require(Permission.MANAGE_PEOPLE)
        store = people_store(self)
        person_id = self.request.match_info["person_id"]
        async with store_errors():
            await store.persons.async_require(person_id)
            faces = [c for c in await store.credentials.async_list(person_id)
                     if c.type is CredentialType.face]
            for credential in faces:
                await store.credentials.async_revoke(credential.id, actor(self))
        engine = self.hub.data.get("face_engine")
        if engine is not None:
            await engine.async_remove(person_id)
        return json_response({"deleted": [credential_json(c) for c in faces]})


class FaceCheckView(HubView):
    """Check a photo before enrolling (the camera preview): faces found and quality."""

    url = "/api/face/check"
    name = "api:face:check"
    permission = Permission.ENROL_FACES
    summaries = {"post": "Check one photo's face quality without storing anything"}
    bodies = {"post": PHOTO_BODY}

    async def post(self) -> web.Response:
        engine = face_engine(self)
        upload = await read_photos(self)
        verdict = await self.hub.async_add_executor_job(check_photo, engine.engine,
                                                        upload.photos[0])
        return json_response(verdict)


FACE_VIEWS: tuple[type[HubView], ...] = (FaceView, FaceCheckView)
