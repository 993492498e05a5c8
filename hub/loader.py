"""Find integrations, read their manifests and import them on demand.

Built-in integrations live in the `integrations` package; a site may add or
override them in `<config>/custom_integrations/<domain>/`. Nothing here runs
an integration's code except importing its package, which must have no side
effects.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import logging
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import voluptuous as vol

import integrations as builtin_integrations
from hub.const import CUSTOM_INTEGRATIONS_DIR
from hub.exceptions import DependencyError, IntegrationNotFound
from hub.services import humanize_invalid

_LOGGER = logging.getLogger(__name__)

MANIFEST_FILE = "manifest.json"
IOT_CLASSES = ("local_push", "local_polling", "cloud_push", "cloud_polling", "calculated")

MANIFEST_SCHEMA = vol.Schema(
    {
        vol.Required("domain"): vol.Match(r"^[a-z0-9_]+$"),
        vol.Required("name"): str,
        vol.Required("version"): str,
        vol.Optional("dependencies", default=[]): [str],
        vol.Optional("after_dependencies", default=[]): [str],
        vol.Optional("requirements", default=[]): [str],
        vol.Optional("iot_class", default="calculated"): vol.In(IOT_CLASSES),
        vol.Optional("zeroconf", default=[]): [vol.Any(str, dict)],
        vol.Optional("mqtt", default=[]): [str],
        vol.Optional("modbus", default=[]): [dict],
        vol.Optional("triggers", default=[]): [str],
        vol.Optional("conditions", default=[]): [str],
        vol.Optional("documentation"): str,
        vol.Optional("codeowners", default=[]): [str],
        vol.Optional("quality_scale"): str,
    }
)


@dataclass(frozen=True, slots=True)
class Manifest:
    """What an integration says about itself in `manifest.json`."""

    domain: str
    name: str
    version: str
    dependencies: tuple[str, ...] = ()
    after_dependencies: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    iot_class: str = "calculated"
    zeroconf: tuple[Any, ...] = ()
    mqtt: tuple[str, ...] = ()
    modbus: tuple[dict[str, Any], ...] = ()
    triggers: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        """Read and validate a manifest; raise ValueError with a readable message."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as err:
            raise ValueError(f"{path}: cannot read manifest: {err}") from err
        try:
            data = MANIFEST_SCHEMA(raw)
        except vol.Invalid as err:
            raise ValueError(f"{path}: {humanize_invalid('manifest', err)}") from err
        if data["domain"] != path.parent.name:
            raise ValueError(
                f"{path}: domain '{data['domain']}' must equal the folder name "
                f"'{path.parent.name}'"
            )
        return cls(
            domain=data["domain"],
            name=data["name"],
            version=data["version"],
            dependencies=tuple(data["dependencies"]),
            after_dependencies=tuple(data["after_dependencies"]),
            requirements=tuple(data["requirements"]),
            iot_class=data["iot_class"],
            zeroconf=tuple(data["zeroconf"]),
            mqtt=tuple(data["mqtt"]),
            modbus=tuple(data["modbus"]),
            triggers=tuple(data["triggers"]),
            conditions=tuple(data["conditions"]),
        )


@dataclass(slots=True)
class Integration:
    """One integration found on disk, imported lazily."""

    manifest: Manifest
    path: Path
    package: str
    is_custom: bool
    _module: types.ModuleType | None = field(default=None, repr=False)

    @property
    def domain(self) -> str:
        """The integration's domain, also its config key."""
        return self.manifest.domain

    def missing_requirements(self) -> list[str]:
        """Requirements from the manifest that are not installed."""
        missing = []
        for requirement in self.manifest.requirements:
            name = requirement.split(";")[0]
            for sep in ("==", ">=", "<=", "~=", ">", "<", "[", " "):
                name = name.split(sep)[0]
            try:
                importlib.metadata.version(name.strip())
            except importlib.metadata.PackageNotFoundError:
                missing.append(requirement)
        return missing

    def get_component(self) -> types.ModuleType:
        """Import the integration package (blocking: call from an executor in the loop)."""
        if self._module is None:
            self._module = importlib.import_module(f"{self.package}.{self.domain}")
        return self._module


class IntegrationCatalog:
    """Every integration available to one config folder, built-in and custom."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.integrations: dict[str, Integration] = {}
        self.errors: list[str] = []
        self._scan()

    def _scan(self) -> None:
        builtin_root = Path(next(iter(builtin_integrations.__path__)))
        for integration in self._scan_folder(builtin_root, builtin_integrations.__name__, False):
            self.integrations[integration.domain] = integration
        custom_root = self.config_dir / CUSTOM_INTEGRATIONS_DIR
        if custom_root.is_dir():
            package = _custom_package(custom_root)
            for integration in self._scan_folder(custom_root, package, True):
                if integration.domain in self.integrations:
                    _LOGGER.warning(
                        "Custom integration %s overrides the built-in one; it is not "
                        "maintained by menjin and may break on upgrades",
                        integration.domain,
                    )
                self.integrations[integration.domain] = integration

    def _scan_folder(self, root: Path, package: str, is_custom: bool) -> list[Integration]:
        found = []
        for folder in sorted(root.iterdir()):
            manifest_path = folder / MANIFEST_FILE
            if not folder.is_dir() or not manifest_path.is_file():
                continue
            try:
                manifest = Manifest.from_file(manifest_path)
            except ValueError as err:
                self.errors.append(str(err))
                continue
            found.append(Integration(manifest, folder, package, is_custom))
        return found

    def get(self, domain: str) -> Integration:
        """The integration for a domain, or IntegrationNotFound."""
        try:
            return self.integrations[domain]
        except KeyError:
            raise IntegrationNotFound(f"No integration provides '{domain}'") from None

    def resolve_order(self, domains: set[str]) -> list[str]:
        """The domains plus their dependencies, dependencies first.

        Raises DependencyError naming a missing dependency or the whole cycle.
        """
        order: list[str] = []
        visiting: list[str] = []
        done: set[str] = set()

        def visit(domain: str, required_by: str | None) -> None:
            if domain in done:
                return
            if domain in visiting:
                cycle = [*visiting[visiting.index(domain) :], domain]
                raise DependencyError(f"Dependency cycle: {' -> '.join(cycle)}")
            if domain not in self.integrations:
                who = f" (needed by '{required_by}')" if required_by else ""
                raise DependencyError(f"Integration '{domain}' not found{who}")
            visiting.append(domain)
            manifest = self.integrations[domain].manifest
            for dependency in manifest.dependencies:
                visit(dependency, domain)
            for dependency in manifest.after_dependencies:
                if dependency in domains:
                    visit(dependency, domain)
            visiting.pop()
            done.add(domain)
            order.append(domain)

        for domain in sorted(domains):
            visit(domain, None)
        return order


def _custom_package(custom_root: Path) -> str:
    """Register a package for one config folder's custom integrations.

    The name is derived from the folder so that two hubs in one process (tests,
    the demo) never share a module by accident.
    """
    digest = hashlib.sha1(str(custom_root.resolve()).encode()).hexdigest()[:12]
    name = f"menjin_custom_{digest}"
    if name not in sys.modules:
        module = types.ModuleType(name)
        module.__path__ = [str(custom_root)]
        sys.modules[name] = module
    return name
