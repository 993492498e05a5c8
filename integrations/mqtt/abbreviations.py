"""The abbreviated keys of MQTT discovery payloads and what they stand for.

Devices keep discovery payloads small by abbreviating keys (`stat_t` for
`state_topic`). This is menjin's own table of the abbreviations that the
components we support use; unknown keys pass through unchanged and are
then ignored by the schemas.
"""

from __future__ import annotations

from typing import Final

ABBREVIATIONS: Final = {
    "~": "~",
    "avty": "availability",
    "avty_mode": "availability_mode",
    "avty_t": "availability_topic",
    "avty_tpl": "availability_template",
    "cmd_t": "command_topic",
    "cmd_tpl": "command_template",
    "cmps": "components",
    "cred_type": "credential_type",
    "dev": "device",
    "dev_cla": "device_class",
    "en": "enabled_by_default",
    "ent_cat": "entity_category",
    "exp_aft": "expire_after",
    "frc_upd": "force_update",
    "ic": "icon",
    "img_e": "image_encoding",
    "json_attr_t": "json_attributes_topic",
    "json_attr_tpl": "json_attributes_template",
    "name": "name",
    "o": "origin",
    "obj_id": "object_id",
    "opt": "optimistic",
    "p": "platform",
    "pl_avail": "payload_available",
    "pl_lock": "payload_lock",
    "pl_not_avail": "payload_not_available",
    "pl_off": "payload_off",
    "pl_on": "payload_on",
    "pl_unlk": "payload_unlock",
    "qos": "qos",
    "ret": "retain",
    "stat_cla": "state_class",
    "stat_locked": "state_locked",
    "stat_off": "state_off",
    "stat_on": "state_on",
    "stat_t": "state_topic",
    "stat_tpl": "state_template",
    "stat_unlocked": "state_unlocked",
    "sug_dsp_prc": "suggested_display_precision",
    "t": "topic",
    "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement",
    "val_tpl": "value_template",
}

DEVICE_ABBREVIATIONS: Final = {
    "cns": "connections",
    "cu": "configuration_url",
    "hw": "hw_version",
    "ids": "identifiers",
    "mdl": "model",
    "mdl_id": "model_id",
    "mf": "manufacturer",
    "name": "name",
    "sa": "suggested_area",
    "sn": "serial_number",
    "sw": "sw_version",
    "via_device": "via_device",
}

ORIGIN_ABBREVIATIONS: Final = {"name": "name", "sw": "sw_version", "url": "support_url"}

AVAILABILITY_ABBREVIATIONS: Final = {
    "t": "topic", "pl_avail": "payload_available", "pl_not_avail": "payload_not_available",
    "val_tpl": "value_template",
}
