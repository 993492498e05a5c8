"""YAML with Home Assistant's tags and line numbers remembered for error messages.

Supported tags: `!include FILE`, `!include_dir_named DIR`, `!include_dir_list DIR`,
`!secret NAME` (looked up in `secrets.yaml` next to the file, then in parent
folders up to the config folder), `!env_var NAME [DEFAULT]`, and `!input NAME`
(kept as an `Input` marker for blueprints).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hub.const import SECRETS_FILE


class YamlError(Exception):
    """A YAML file cannot be read; carries the file and line."""

    def __init__(self, message: str, file: Path | None, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


class NodeDict(dict[str, Any]):
    """A mapping that remembers where it was written."""

    __slots__ = ("__config_file__", "__line__", "key_lines")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.__config_file__: Path | None = None
        self.__line__: int | None = None
        self.key_lines: dict[Any, int] = {}


class NodeList(list[Any]):
    """A sequence that remembers where it was written."""

    __slots__ = ("__config_file__", "__line__")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.__config_file__: Path | None = None
        self.__line__: int | None = None


class NodeStr(str):
    """A string that remembers where it was written."""

    __slots__ = ("__config_file__", "__line__")
    __config_file__: Path | None
    __line__: int | None


@dataclass(frozen=True, slots=True)
class Input:
    """A `!input name` reference inside a blueprint, resolved when it is used."""

    name: str
    line: int | None = None


class MissingSecret(str):
    """Stands in for a secret that is not defined, so loading goes on and every
    problem in the folder is reported at once; it never validates as a value."""

    __slots__ = ()


def location_of(value: Any) -> tuple[Path | None, int | None]:
    """The file and line a loaded value came from, when known."""
    return getattr(value, "__config_file__", None), getattr(value, "__line__", None)


class _Loader(yaml.SafeLoader):
    """SafeLoader that records lines and knows our tags."""

    def __init__(self, stream: Any, path: Path, secrets: Secrets) -> None:
        super().__init__(stream)
        self.path = path
        self.secrets = secrets


class Secrets:
    """Secrets from `secrets.yaml`, looked up from the requesting file up to the config folder."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir.resolve()
        self._cache: dict[Path, dict[str, Any]] = {}
        self.missing: list[YamlError] = []

    def get(self, requester: Path, name: str, line: int | None) -> Any:
        """The secret `name`; a missing one is recorded in `missing` and stood in for."""
        folder = requester.resolve().parent
        searched: list[Path] = []
        while True:
            secrets_path = folder / SECRETS_FILE
            searched.append(secrets_path)
            values = self._load(secrets_path)
            if name in values:
                return values[name]
            if folder == self.config_dir or folder == folder.parent:
                break
            if self.config_dir not in folder.parents:
                break
            folder = folder.parent
        self.missing.append(YamlError(
            f"Secret '{name}' is not defined: add '{name}: ...' to {searched[-1]}",
            requester,
            line,
        ))
        return MissingSecret(name)

    def _load(self, path: Path) -> dict[str, Any]:
        if path not in self._cache:
            if not path.is_file():
                self._cache[path] = {}
            else:
                data = load_yaml(path, self, allow_secrets=False)
                if data is None:
                    data = {}
                if not isinstance(data, dict):
                    raise YamlError("secrets.yaml must be a mapping of names to values", path, 1)
                self._cache[path] = data
        return self._cache[path]


def _mark_line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> NodeDict:
    loader.flatten_mapping(node)
    result = NodeDict()
    result.__config_file__ = loader.path
    result.__line__ = _mark_line(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as err:
            raise YamlError(f"Invalid key {key!r}", loader.path, _mark_line(key_node)) from err
        if key in result:
            raise YamlError(
                f"Duplicate key '{key}' (first on line {result.key_lines[key]})",
                loader.path,
                _mark_line(key_node),
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = _mark_line(key_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> NodeList:
    result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
    result.__config_file__ = loader.path
    result.__line__ = _mark_line(node)
    return result


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> NodeStr:
    result = NodeStr(loader.construct_scalar(node))
    result.__config_file__ = loader.path
    result.__line__ = _mark_line(node)
    return result


def _scalar(loader: _Loader, node: yaml.Node, tag: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise YamlError(f"{tag} takes a single value", loader.path, _mark_line(node))
    return str(loader.construct_scalar(node))


def _resolve_in(loader: _Loader, node: yaml.Node, tag: str) -> Path:
    target = (loader.path.parent / _scalar(loader, node, tag)).resolve()
    if not target.exists():
        raise YamlError(f"{tag}: {target} does not exist", loader.path, _mark_line(node))
    return target


def _include(loader: _Loader, node: yaml.Node) -> Any:
    target = _resolve_in(loader, node, "!include")
    return load_yaml(target, loader.secrets)


def _include_dir_named(loader: _Loader, node: yaml.Node) -> NodeDict:
    folder = _resolve_in(loader, node, "!include_dir_named")
    result = NodeDict()
    result.__config_file__ = loader.path
    result.__line__ = _mark_line(node)
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == SECRETS_FILE:
            continue
        result[path.stem] = load_yaml(path, loader.secrets)
        result.key_lines[path.stem] = 1
    return result


def _include_dir_list(loader: _Loader, node: yaml.Node) -> NodeList:
    folder = _resolve_in(loader, node, "!include_dir_list")
    result = NodeList(
        load_yaml(path, loader.secrets)
        for path in sorted(folder.rglob("*.yaml"))
        if path.name != SECRETS_FILE
    )
    result.__config_file__ = loader.path
    result.__line__ = _mark_line(node)
    return result


def _secret(loader: _Loader, node: yaml.Node) -> Any:
    name = _scalar(loader, node, "!secret")
    if not getattr(loader, "allow_secrets", True):
        raise YamlError("!secret cannot be used inside secrets.yaml", loader.path, _mark_line(node))
    return loader.secrets.get(loader.path, name, _mark_line(node))


def _env_var(loader: _Loader, node: yaml.Node) -> str:
    parts = _scalar(loader, node, "!env_var").split(maxsplit=1)
    if not parts:
        raise YamlError("!env_var needs a variable name", loader.path, _mark_line(node))
    if parts[0] in os.environ:
        return os.environ[parts[0]]
    if len(parts) == 2:
        return parts[1]
    raise YamlError(
        f"Environment variable {parts[0]} is not set and no default was given "
        f"(write '!env_var {parts[0]} DEFAULT' to give one)",
        loader.path,
        _mark_line(node),
    )


def _input(loader: _Loader, node: yaml.Node) -> Input:
    return Input(_scalar(loader, node, "!input"), _mark_line(node))


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, _construct_str)
_Loader.add_constructor("!include", _include)
_Loader.add_constructor("!include_dir_named", _include_dir_named)
_Loader.add_constructor("!include_dir_list", _include_dir_list)
_Loader.add_constructor("!secret", _secret)
_Loader.add_constructor("!env_var", _env_var)
_Loader.add_constructor("!input", _input)


def load_yaml(path: Path, secrets: Secrets, allow_secrets: bool = True) -> Any:
    """Load one YAML file; raise YamlError with file and line on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise YamlError(f"Cannot read file: {err}", path, None) from err
    loader = _Loader(text, path, secrets)
    loader.allow_secrets = allow_secrets  # type: ignore[attr-defined]
    try:
        return loader.get_single_data()
    except YamlError:
        raise
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = err.problem or str(err)
        context = f" ({err.context})" if err.context else ""
        raise YamlError(f"Invalid YAML: {problem}{context}", path, line) from err
    except yaml.YAMLError as err:
        raise YamlError(f"Invalid YAML: {err}", path, None) from err
    finally:
        loader.dispose()
