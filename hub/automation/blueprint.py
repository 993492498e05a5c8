"""Blueprints in Home Assistant's format, with what HA leaves out.

Beyond HA: each input is validated against its selector, inputs with a default
are really optional, inputs are template variables (`{{ threshold }}`), and a
blueprint has a `version`; an automation written for an older version is
reported so an installer reviews it after an upgrade.

Blueprints are looked up in `<config>/blueprints/automation/` first, then in the
ones shipped with menjin (`blueprints/automation/`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import voluptuous as vol

import blueprints as shipped_blueprints
import hub.config.validation as cv
from hub.automation.selectors import selector_validator
from hub.config.yaml_loader import Input, NodeDict, Secrets, YamlError, load_yaml, location_of

BLUEPRINT_FOLDER = "blueprints"
DOMAIN_FOLDER = "automation"

_INPUT_SCHEMA = vol.Schema(
    {
        vol.Optional("name"): cv.string,
        vol.Optional("description"): cv.string,
        vol.Optional("default"): object,
        vol.Optional("selector"): dict,
    }
)
_SECTION_SCHEMA = vol.Schema(
    {
        vol.Optional("name"): cv.string,
        vol.Optional("description"): cv.string,
        vol.Optional("icon"): cv.string,
        vol.Optional("collapsed"): cv.boolean,
        vol.Required("input"): {cv.string: _INPUT_SCHEMA},
    }
)
BLUEPRINT_SCHEMA = vol.Schema(
    {
        vol.Required("name"): cv.string,
        vol.Optional("description"): cv.string,
        vol.Required("domain"): "automation",
        vol.Optional("author"): cv.string,
        vol.Optional("version", default=1): vol.All(int, vol.Range(min=1)),
        vol.Optional("source_url"): cv.string,
        vol.Optional("menjin"): dict,
        vol.Optional("homeassistant"): dict,
        vol.Optional("input", default={}): {cv.string: vol.Any(_SECTION_SCHEMA, _INPUT_SCHEMA)},
    }
)
USE_BLUEPRINT_SCHEMA = vol.Schema(
    {
        vol.Required("path"): cv.string,
        vol.Optional("input", default={}): vol.Any(None, dict),
        vol.Optional("version"): vol.All(int, vol.Range(min=1)),
    }
)


@dataclass(frozen=True, slots=True)
class Blueprint:
    """A loaded, validated blueprint."""

    path: Path
    metadata: dict[str, Any]
    inputs: dict[str, dict[str, Any]]
    body: dict[str, Any]

    @property
    def version(self) -> int:
        """The blueprint's version (1 when not stated)."""
        return int(self.metadata["version"])


def blueprint_roots(config_dir: Path) -> list[Path]:
    """Where blueprints are looked up, site folder first."""
    shipped = Path(next(iter(shipped_blueprints.__path__)))
    return [config_dir / BLUEPRINT_FOLDER / DOMAIN_FOLDER, shipped / DOMAIN_FOLDER]


def find_blueprint(config_dir: Path, relative: str) -> Path:
    """The blueprint file for `use_blueprint.path`, refusing paths that leave the folders."""
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise vol.Invalid(f"blueprint path {relative!r} must be relative, without '..'")
    searched = []
    for root in blueprint_roots(config_dir):
        candidate = root / relative
        searched.append(str(candidate))
        if candidate.is_file():
            return candidate
    raise vol.Invalid(f"blueprint {relative!r} not found (looked in {', '.join(searched)})")


def load_blueprint(path: Path, config_dir: Path) -> Blueprint:
    """Read and validate a blueprint file; errors name the file and line."""
    try:
        raw = load_yaml(path, Secrets(config_dir))
    except YamlError as err:
        raise vol.Invalid(f"blueprint {err.file}:{err.line}: {err.message}") from err
    if not isinstance(raw, dict) or "blueprint" not in raw:
        raise vol.Invalid(f"blueprint {path}: missing the 'blueprint:' section")
    try:
        metadata = BLUEPRINT_SCHEMA(raw["blueprint"])
    except vol.Invalid as err:
        raise vol.Invalid(f"blueprint {_where(path, raw['blueprint'], err)}: {err}") from err
    inputs: dict[str, dict[str, Any]] = {}
    for key, spec in metadata["input"].items():
        if "input" in spec:  # a section groups inputs; their names stay flat
            inputs.update(spec["input"])
        else:
            inputs[key] = spec
    for name, spec in inputs.items():
        if "selector" in spec:
            try:
                selector_validator(spec["selector"])
            except vol.Invalid as err:
                raise vol.Invalid(f"blueprint {path}: input '{name}': {err.msg}") from err
    body = {key: value for key, value in raw.items() if key != "blueprint"}
    return Blueprint(path, metadata, inputs, body)


def _where(path: Path, node: Any, err: vol.Invalid) -> str:
    line = location_of(node)[1]
    for key in getattr(err, "path", []):
        key_lines = getattr(node, "key_lines", {})
        line = key_lines.get(key, line)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return f"{path}:{line}" if line else str(path)


def resolve_inputs(blueprint: Blueprint, given: dict[str, Any]) -> dict[str, Any]:
    """Check the automation's inputs against the blueprint's declarations and selectors."""
    errors: list[vol.Invalid] = []
    values: dict[str, Any] = {}
    for name in given:
        if name not in blueprint.inputs:
            errors.append(vol.Invalid(
                f"blueprint '{blueprint.metadata['name']}' has no input '{name}' "
                f"(inputs: {', '.join(sorted(blueprint.inputs))})", path=["input", name]))
    for name, spec in blueprint.inputs.items():
        if name in given:
            value = given[name]
        elif "default" in spec:
            values[name] = spec["default"]
            continue
        else:
            errors.append(vol.Invalid(
                f"required input '{name}' is missing ({spec.get('name', name)})",
                path=["input", name]))
            continue
        if "selector" in spec:
            try:
                value = selector_validator(spec["selector"])(value)
            except vol.Invalid as err:
                errors.append(vol.Invalid(f"input '{name}': {err.msg}", path=["input", name]))
                continue
        values[name] = value
    if errors:
        raise vol.MultipleInvalid(errors)
    return values


def substitute(node: Any, values: dict[str, Any], path: Path) -> Any:
    """Replace every `!input name` in the blueprint body with its value."""
    if isinstance(node, Input):
        if node.name not in values:
            line = node.line
            raise vol.Invalid(
                f"blueprint {path}{f':{line}' if line else ''} uses !input {node.name} "
                "but does not declare it under blueprint.input"
            )
        return values[node.name]
    if isinstance(node, dict):
        result = NodeDict({key: substitute(value, values, path) for key, value in node.items()})
        result.__config_file__, result.__line__ = location_of(node)
        result.key_lines = dict(getattr(node, "key_lines", {}))
        return result
    if isinstance(node, list):
        return [substitute(item, values, path) for item in node]
    return node


def expand_blueprint(config: dict[str, Any], config_dir: Path) -> dict[str, Any]:
    """Turn an automation that uses a blueprint into a plain automation config."""
    try:
        use = USE_BLUEPRINT_SCHEMA(config["use_blueprint"])
    except vol.Invalid as err:
        raise vol.Invalid(err.msg, path=["use_blueprint", *err.path]) from err
    path = find_blueprint(config_dir, use["path"])
    blueprint = load_blueprint(path, config_dir)
    try:
        values = resolve_inputs(blueprint, dict(use["input"] or {}))
    except vol.MultipleInvalid as err:
        raise vol.MultipleInvalid(
            [vol.Invalid(e.msg, path=["use_blueprint", *e.path]) for e in err.errors]
        ) from err
    body = substitute(blueprint.body, values, path)
    expanded = {**body, **{k: v for k, v in config.items() if k != "use_blueprint"}}
    expanded["variables"] = {**dict(body.get("variables") or {}),
                             **dict(config.get("variables") or {})}
    # Inputs become run variables as they are (never rendered), so templates can
    # use them directly: `{{ threshold }}` or `{{ inputs.threshold }}`.
    expanded["blueprint"] = {
        "path": use["path"], "name": blueprint.metadata["name"],
        "version": blueprint.version, "written_for": use.get("version", blueprint.version),
        "inputs": values,
    }
    return expanded
