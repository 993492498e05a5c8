"""Load a configuration folder and validate every section, collecting all problems.

Each top-level key of `configuration.yaml` is the domain of an integration
(or a core section); the integration's `CONFIG_SCHEMA` validates the value
under its key. Every problem is reported with its file and line, all at once,
so an installer fixes a site in one pass.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import voluptuous as vol

from hub.config.core_schema import CORE_SCHEMA, LOGGER_SCHEMA
from hub.config.issues import ConfigIssue
from hub.config.yaml_loader import (
    MissingSecret,
    NodeDict,
    Secrets,
    YamlError,
    load_yaml,
    location_of,
)
from hub.const import CONF_CORE, CONF_LOGGER, CONFIG_FILE
from hub.exceptions import DependencyError
from hub.loader import IntegrationCatalog

_LOGGER = logging.getLogger(__name__)

CORE_SECTIONS = {CONF_CORE: CORE_SCHEMA, CONF_LOGGER: LOGGER_SCHEMA}


@dataclass(slots=True)
class LoadedConfig:
    """A validated configuration folder, ready to set up."""

    config_dir: Path
    core: dict[str, Any]
    logger: dict[str, Any] | None
    sections: dict[str, Any]
    setup_order: list[str]
    catalog: IntegrationCatalog
    issues: list[ConfigIssue] = field(default_factory=list)
    warnings: list[ConfigIssue] = field(default_factory=list)


@dataclass(slots=True)
class ValidationContext:
    """What an integration's `validate_config(value, context)` may need beyond the value.

    Integrations whose config refers to other files (blueprints) or to what
    other integrations provide (trigger and condition platforms) implement
    `validate_config` instead of a plain `CONFIG_SCHEMA`.
    """

    config_dir: Path
    catalog: IntegrationCatalog
    warnings: list[str] = field(default_factory=list)


def issues_from_invalid(err: vol.Invalid, section: str, value: Any) -> list[ConfigIssue]:
    """One ConfigIssue per voluptuous error, located at the nearest known line."""
    errors = err.errors if isinstance(err, vol.MultipleInvalid) else [err]
    issues = (_issue_at(error, section, value) for error in errors)
    return [issue for issue in issues if issue is not None]


def _issue_at(error: vol.Invalid, section: str, value: Any) -> ConfigIssue | None:
    file, line = location_of(value)
    node = value
    for key in error.path:
        key_lines = getattr(node, "key_lines", None)
        if key_lines and key in key_lines:
            line = key_lines[key]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        node_file, node_line = location_of(node)
        if node_line is not None:
            file, line = node_file, node_line
    if isinstance(node, MissingSecret):
        return None  # already reported where the secret was referenced
    path = ".".join([section, *(str(key) for key in error.path)])
    message = error.msg
    if message == "extra keys not allowed" and error.path:
        message = f"unknown option '{error.path[-1]}'"
    elif error.path and node is not value and not isinstance(node, dict | list):
        got = _got(node)
        if str(node) not in message:
            message = f"{message}, got {got}"
    return ConfigIssue(message, file, line, path)


def _got(node: Any) -> str:
    text = repr(str(node)) if isinstance(node, str) else repr(node)
    return text if len(text) < 60 else text[:57] + "..."


def load_config_dir(config_dir: Path) -> LoadedConfig:
    """Read, resolve and validate everything; `issues` lists every problem found.

    Blocking (reads files, imports integrations): call from an executor when a
    loop is running.
    """
    config_dir = config_dir.resolve()
    config_path = config_dir / CONFIG_FILE
    catalog = IntegrationCatalog(config_dir)
    result = LoadedConfig(config_dir, core={}, logger=None, sections={}, setup_order=[],
                          catalog=catalog)
    result.issues.extend(ConfigIssue(message) for message in catalog.errors)
    if not config_path.is_file():
        result.issues.append(ConfigIssue(
            f"{CONFIG_FILE} not found: create it in {config_dir} (start from the demo "
            "site's config/configuration.yaml)", config_path,
        ))
        return result
    secrets = Secrets(config_dir)
    try:
        raw = load_yaml(config_path, secrets)
    except YamlError as err:
        result.issues.append(ConfigIssue(err.message, err.file, err.line))
        return result
    finally:
        result.issues.extend(ConfigIssue(e.message, e.file, e.line) for e in secrets.missing)
    if raw is None:
        raw = NodeDict()
    if not isinstance(raw, dict):
        result.issues.append(ConfigIssue("the top level must be a mapping of sections",
                                         config_path, 1))
        return result

    _validate_core_sections(raw, result)
    domains = _known_domains(raw, result, config_path)
    try:
        result.setup_order = catalog.resolve_order(domains)
    except DependencyError as err:
        result.issues.append(ConfigIssue(str(err), config_path))
        return result
    for domain in result.setup_order:
        _validate_section(domain, raw.get(domain), result, raw)
    result.issues.sort(key=lambda issue: (str(issue.file or ""), issue.line or 0))
    return result


def _validate_core_sections(raw: dict[str, Any], result: LoadedConfig) -> None:
    for key, schema in CORE_SECTIONS.items():
        value = raw.get(key)
        if value is None:
            value = {}
        try:
            validated = schema(value)
        except vol.Invalid as err:
            result.issues.extend(issues_from_invalid(err, key, value))
            continue
        if key == CONF_CORE:
            result.core = validated
        elif key in raw:
            result.logger = validated


def _known_domains(raw: dict[str, Any], result: LoadedConfig, config_path: Path) -> set[str]:
    domains = set()
    for key in raw:
        if key in CORE_SECTIONS:
            continue
        if not isinstance(key, str) or key not in result.catalog.integrations:
            line = getattr(raw, "key_lines", {}).get(key)
            hint = difflib.get_close_matches(str(key), result.catalog.integrations, n=1)
            fix = f"did you mean '{hint[0]}'?" if hint else "check the spelling or remove it"
            result.issues.append(ConfigIssue(
                f"unknown integration '{key}': no built-in or custom integration has this "
                f"domain ({fix})", config_path, line, str(key),
            ))
            continue
        domains.add(key)
    return domains


def _validate_section(
    domain: str, value: Any, result: LoadedConfig, raw: dict[str, Any]
) -> None:
    integration = result.catalog.get(domain)
    file, line = location_of(raw)
    line = getattr(raw, "key_lines", {}).get(domain, line)
    missing = integration.missing_requirements()
    if missing:
        result.issues.append(ConfigIssue(
            f"integration '{domain}' needs {', '.join(missing)}: install with "
            f"pip install {' '.join(missing)}", file, line, domain,
        ))
        return
    try:
        component = integration.get_component()
    except Exception as err:  # an integration that fails to import is a user-facing error
        _LOGGER.debug("Import of %s failed", domain, exc_info=True)
        result.issues.append(ConfigIssue(
            f"integration '{domain}' cannot be loaded: {type(err).__name__}: {err}",
            file, line, domain,
        ))
        return
    validate = getattr(component, "validate_config", None)
    schema = getattr(component, "CONFIG_SCHEMA", None)
    if value is None:
        value = NodeDict()
    context = ValidationContext(result.config_dir, result.catalog)
    try:
        if validate is not None:
            result.sections[domain] = validate(value, context)
        elif schema is not None:
            result.sections[domain] = schema(value)
        else:
            result.sections[domain] = value
    except vol.Invalid as err:
        result.issues.extend(issues_from_invalid(err, domain, value))
    result.warnings.extend(ConfigIssue(text, file, line, domain) for text in context.warnings)
