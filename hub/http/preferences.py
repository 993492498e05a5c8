"""Per-user preferences of the web UI: language, and what a guardian wants to be told.

Kept in `.storage/ui_preferences.json` (small, written atomically off the
loop). The notification service reads `notify` from here to decide which
passages to tell a guardian about.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Final

import voluptuous as vol

PREFERENCES_FILE: Final = "ui_preferences.json"
DATA_PREFERENCES: Final = "http_preferences"
LANGUAGES: Final = ("zh-CN", "en")
CHANNELS: Final = ("app", "sms", "email", "wechat")
DEFAULTS: Final[dict[str, Any]] = {
    "language": None,  # None: follow the browser
    "notify": {"entry": True, "exit": True, "denied": True, "fever": True},
    "channel": "app",
}

SCHEMA = vol.Schema({
    vol.Optional("language"): vol.Any(None, vol.In(LANGUAGES)),
    vol.Optional("notify"): vol.Schema({
        vol.Optional(key): bool for key in ("entry", "exit", "denied", "fever")}),
    vol.Optional("channel"): vol.In(CHANNELS),
})
JSON_SCHEMA: Final[dict[str, Any]] = {"type": "object", "properties": {
    "language": {"enum": [*LANGUAGES, None]},
    "notify": {"type": "object", "properties": {
        key: {"type": "boolean"} for key in ("entry", "exit", "denied", "fever")},
        "additionalProperties": False},
    "channel": {"enum": list(CHANNELS)},
}, "additionalProperties": False}


class PreferenceStore:
    """Preferences of every user by user id; blocking methods, call them off the loop."""

    def __init__(self, storage_dir: Path) -> None:
        self.path = storage_dir / PREFERENCES_FILE
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            loaded = json.loads(self.path.read_text())
            if isinstance(loaded, dict):
                self._data = {str(k): v for k, v in loaded.items() if isinstance(v, dict)}

    def get(self, user_id: str) -> dict[str, Any]:
        """A user's preferences with defaults filled in."""
        stored = self._data.get(user_id, {})
        return {**DEFAULTS, **stored,
                "notify": {**DEFAULTS["notify"], **stored.get("notify", {})}}

    def update(self, user_id: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Merge validated changes and save."""
        with self._lock:
            current = self._data.setdefault(user_id, {})
            for key, value in changes.items():
                if key == "notify":
                    current["notify"] = {**current.get("notify", {}), **value}
                else:
                    current[key] = value
            self._save()
        return self.get(user_id)

    def remove(self, user_id: str) -> None:
        """Forget a deleted user's preferences."""
        with self._lock:
            if self._data.pop(user_id, None) is not None:
                self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._data, ensure_ascii=False, indent=1))
        os.replace(tmp, self.path)
