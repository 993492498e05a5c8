"""Message texts: shipped templates per language, and rendering them for one recipient.

The shipped texts follow what guardians and residents expect to read on a
phone lock screen: who, where, when, in one line. A site overrides any of
them under `notify: messages:`; every text is a sandboxed Jinja2 template over
the passage fields (`person_name`, `gate_name`, `direction`, `time`, …).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from hub.notify.const import DEFAULT_LANGUAGE
from hub.template import Template, TemplateError

if TYPE_CHECKING:
    from hub.core import Hub

MessageTexts = Mapping[str, Mapping[str, str]]

DEFAULT_MESSAGES: Final[dict[str, dict[str, str]]] = {
    "student_entered": {
        "en": "{{ person_name }} entered school, {{ gate_name }}, {{ time }}",
        "zh-CN": "{{ person_name }} {{ time }} 从 {{ gate_name }} 进校",
    },
    "student_left": {
        "en": "{{ person_name }} left school, {{ gate_name }}, {{ time }}",
        "zh-CN": "{{ person_name }} {{ time }} 从 {{ gate_name }} 离校",
    },
    "left_outside_schedule": {
        "en": "{{ person_name }} left outside the class schedule, {{ gate_name }}, {{ time }}",
        "zh-CN": "{{ person_name }} {{ time }} 在非放学时间从 {{ gate_name }} 离校",
    },
    "unknown_at_gate": {
        "en": "Unknown {{ credential | default('face') }} at {{ gate_name }}, {{ time }}",
        "zh-CN": "{{ time }} {{ gate_name }} 有未识别的{{ '人脸' if (credential | default('face'))"
                 " == 'face' else '凭证' }}",
    },
    "health_gate_refused": {
        "en": "{{ holder_name | default('Someone') }} was refused at {{ gate_name }}, {{ time }}: "
              "{{ reasons }}",
        "zh-CN": "{{ holder_name | default('有人') }} {{ time }} 在 {{ gate_name }} 被拒绝："
                 "{{ reasons }}",
    },
    "permit_expiring": {
        "en": "The {{ what | default('permit') }} of {{ person_name }} ends {{ expires }} "
              "({{ days_left }} days left)",
        "zh-CN": "{{ person_name }} 的{{ '资质审核' if what == 'qualification' else '通行许可' }}"
                 "将于 {{ expires }} 到期（剩 {{ days_left }} 天）",
    },
    "one_key_open": {
        "en": "{{ visitor_name | default('A visitor') }} is at {{ gate_name }} ({{ time }}). "
              "Open once, valid {{ valid_minutes }} min: {{ url }}",
        "zh-CN": "{{ visitor_name | default('访客') }} 在 {{ gate_name }} 等候（{{ time }}）。"
                 "一键开门，{{ valid_minutes }} 分钟内有效：{{ url }}",
    },
    "visitor_pass": {
        "en": "Visitor pass for {{ visitor_name }}: {{ gate_names | join(', ') }}, "
              "{{ valid_from_text }} to {{ valid_until_text }}, {{ uses }} use(s). "
              "Show this code at the QR reader: {{ token }}",
        "zh-CN": "{{ visitor_name }} 的访客通行码：{{ gate_names | join('、') }}，"
                 "{{ valid_from_text }} 至 {{ valid_until_text }}，可用 {{ uses }} 次。"
                 "请在二维码读头出示：{{ token }}",
    },
}

# How a direction reads in each language, for site templates that want it.
DIRECTION_WORDS: Final = {"en": {"in": "entered", "out": "left"},
                          "zh-CN": {"in": "进校", "out": "离校"}}


def pick_language(texts: Mapping[str, str], language: str | None,
                  default: str = DEFAULT_LANGUAGE) -> str:
    """The best text for a language: exact, same primary tag, site default, English, any."""
    if language:
        if language in texts:
            return texts[language]
        primary = language.split("-")[0].lower()
        for tag, text in texts.items():
            if tag.split("-")[0].lower() == primary:
                return text
    for tag in (default, "en"):
        if tag in texts:
            return texts[tag]
    return next(iter(texts.values()))


def message_source(key: str, language: str | None, overrides: MessageTexts,
                   default_language: str = DEFAULT_LANGUAGE) -> str:
    """The template text of a named message; TemplateError names the known ones."""
    texts = {**DEFAULT_MESSAGES.get(key, {}), **overrides.get(key, {})}
    if not texts:
        known = sorted({*DEFAULT_MESSAGES, *overrides})
        raise TemplateError(f"no message named '{key}' (known: {', '.join(known)})")
    return pick_language(texts, language, default_language)


def local_time(hub: Hub | None, when: float | None, tz_name: str) -> str:
    """`07:42` in the site's time zone."""
    from zoneinfo import ZoneInfo

    tz = hub.config.tzinfo if hub is not None else ZoneInfo(tz_name)
    moment = datetime.fromtimestamp(when, tz) if when is not None else datetime.now(tz)
    return moment.strftime("%H:%M")


def render(source: str, variables: Mapping[str, Any], hub: Hub | None) -> str:
    """Render one text; TemplateError carries the reason."""
    return Template(source, hub).render(variables).strip()
