"""Configuration loading: tags, validation, and every bad-input case with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from hub.config.load import load_config_dir
from tests.conftest import ConfigWriter

GATEKIT = (
    {},
    """
    import voluptuous as vol
    CONFIG_SCHEMA = vol.Schema({
        vol.Required("gates"): [str],
        vol.Optional("password"): str,
        vol.Optional("timeout", default=5): vol.All(int, vol.Range(min=1)),
    })
    """,
)


def issues_text(folder: Path) -> list[str]:
    return [str(issue) for issue in load_config_dir(folder).issues]


def test_valid_config_with_include_secret_env_and_dir_named(
    config_dir: ConfigWriter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GATE_NAME", "north")
    folder = config_dir(
        """
        menjin:
          name: Sunflower
          time_zone: Asia/Shanghai
        gatekit: !include gatekit.yaml
        """,
        files={
            "gatekit.yaml": """
                gates: [!env_var GATE_NAME, !env_var MISSING_VAR south]
                password: !secret gate_password
                """,
            "secrets.yaml": "gate_password: hunter22\n",
        },
        integrations={"gatekit": GATEKIT},
    )
    config = load_config_dir(folder)
    assert config.issues == []
    assert config.sections["gatekit"] == {
        "gates": ["north", "south"], "password": "hunter22", "timeout": 5,
    }
    assert config.core["time_zone"] == "Asia/Shanghai"
    assert config.setup_order == ["gatekit"]


def test_include_dir_named(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "gatekit:\n  gates: !include_dir_list gates\n",
        files={"gates/a.yaml": "north\n", "gates/b.yaml": "south\n"},
        integrations={"gatekit": GATEKIT},
    )
    config = load_config_dir(folder)
    assert config.issues == []
    assert config.sections["gatekit"]["gates"] == ["north", "south"]


def test_broken_yaml_names_file_and_line(config_dir: ConfigWriter) -> None:
    folder = config_dir("menjin:\n  name: ok\ngatekit:\n  gates: [north\n")
    [issue] = issues_text(folder)
    assert issue.startswith(f"{folder / 'configuration.yaml'}:")
    assert "Invalid YAML" in issue


def test_broken_yaml_in_included_file_names_that_file(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "gatekit: !include gatekit.yaml\n",
        files={"gatekit.yaml": "gates:\n  - a\n - b\n"},
        integrations={"gatekit": GATEKIT},
    )
    [issue] = issues_text(folder)
    assert f"{folder / 'gatekit.yaml'}:3:" in issue


def test_duplicate_key_is_an_error(config_dir: ConfigWriter) -> None:
    folder = config_dir("menjin:\n  name: a\n  name: b\n")
    [issue] = issues_text(folder)
    assert ":3:" in issue and "Duplicate key 'name'" in issue


def test_every_error_is_reported_at_once(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        """
        menjin:
          time_zone: Mars/Olympus
        gatekit:
          gates: north
          password: !secret not_there
          colour: red
          timeout: 0
        gatekti: {}
        logger:
          default: loud
        """,
        integrations={"gatekit": GATEKIT},
    )
    issues = issues_text(folder)
    text = "\n".join(issues)
    assert len(issues) == 7, text
    assert ":3: [menjin.time_zone] unknown time zone 'Mars/Olympus'" in text
    assert ":5: [gatekit.gates] expected a list, got 'north'" in text
    assert ":6: Secret 'not_there' is not defined: add 'not_there: ...' to" in text
    assert ":7: [gatekit.colour] unknown option 'colour'" in text
    assert ":8: [gatekit.timeout] value must be at least 1, got 0" in text
    assert ":9: [gatekti] unknown integration 'gatekti'" in text
    assert "did you mean 'gatekit'" in text
    assert ":11: [logger.default]" in text


def test_missing_configuration_file(tmp_path: Path) -> None:
    [issue] = issues_text(tmp_path)
    assert "configuration.yaml not found" in issue


def test_dependency_cycle_is_named(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "alpha: {}\n",
        integrations={
            "alpha": ({"dependencies": ["beta"]}, ""),
            "beta": ({"dependencies": ["alpha"]}, ""),
        },
    )
    [issue] = issues_text(folder)
    assert "Dependency cycle: alpha -> beta -> alpha" in issue


def test_missing_dependency_is_named(config_dir: ConfigWriter) -> None:
    folder = config_dir("alpha: {}\n", integrations={"alpha": ({"dependencies": ["ghost"]}, "")})
    [issue] = issues_text(folder)
    assert "Integration 'ghost' not found (needed by 'alpha')" in issue


def test_integration_that_fails_to_import(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "broken: {}\n", integrations={"broken": ({}, "raise ImportError('no lib')\n")}
    )
    [issue] = issues_text(folder)
    assert ":1: [broken] integration 'broken' cannot be loaded: ImportError: no lib" in issue


def test_missing_requirement_says_what_to_install(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "needy: {}\n",
        integrations={"needy": ({"requirements": ["surely-not-installed-pkg==1.0"]}, "")},
    )
    [issue] = issues_text(folder)
    assert "pip install surely-not-installed-pkg==1.0" in issue


def test_bad_manifest_is_reported(config_dir: ConfigWriter) -> None:
    folder = config_dir("menjin: {}\n", integrations={"bad": ({"iot_class": "psychic"}, "")})
    [issue] = issues_text(folder)
    assert "manifest.json" in issue and "iot_class" in issue


def test_secret_is_never_read_from_environment_without_tag(config_dir: ConfigWriter) -> None:
    folder = config_dir(
        "gatekit:\n  gates: [a]\n  password: !secret pw\n",
        files={"secrets.yaml": "pw: !secret other\n"},
        integrations={"gatekit": GATEKIT},
    )
    issues = issues_text(folder)
    assert any("!secret cannot be used inside secrets.yaml" in issue for issue in issues)


def test_demo_config_is_valid() -> None:
    demo = Path(__file__).resolve().parents[2] / "config"
    assert [str(issue) for issue in load_config_dir(demo).issues] == []
