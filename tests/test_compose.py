"""The Compose files: production-like by default, the simulators only through the demonstration override."""

import os
import re
from pathlib import Path
from unittest import mock

import yaml

from primaweb.settings.base import env_bool

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"migrate", "web", "worker", "beat"}


def load(name: str) -> dict:
    return yaml.safe_load((ROOT / name).read_text())


def effective(variables: dict, name: str, environment: dict[str, str]) -> str | None:
    """The value Compose gives `name`: `${VAR}`, `${VAR:-default}`, `${VAR-default}` and pass-through."""
    if name not in variables:
        return None
    value = variables[name]
    if value is None:  # `NAME:` alone: taken from the shell
        return environment.get(name)

    def substitute(match):
        variable, operator, default = match.group(1), match.group(2), match.group(3) or ""
        if operator == ":-":
            return environment.get(variable) or default
        if operator == "-":
            return environment.get(variable, default)
        return environment.get(variable, "")

    return re.sub(r"\$\{(\w+)(?:(:?-)([^}]*)|[:?][^}]*)?\}", substitute, str(value))


def simulators_on(service: dict, environment: dict[str, str]) -> bool:
    """Whether the settings of this service turn the simulators on (absent: the image's production
    settings keep them off)."""
    variables = service.get("environment") or {}
    if isinstance(variables, list):
        variables = dict(item.split("=", 1) if "=" in item else (item, None) for item in variables)
    value = effective(variables, "PRIMAWEB_SIMULATORS", environment)
    if value is None:
        return False
    with mock.patch.dict(os.environ, {"PRIMAWEB_SIMULATORS": value}):
        return env_bool("PRIMAWEB_SIMULATORS")


def test_no_service_of_the_compose_stack_turns_the_simulators_on():
    services = load("docker-compose.yml")["services"]
    assert set(services) >= APP_SERVICES
    for name, service in services.items():
        assert not simulators_on(service, {}), name


def test_a_shell_variable_cannot_turn_the_simulators_on_in_the_compose_stack():
    services = load("docker-compose.yml")["services"]
    for name, service in services.items():
        assert not simulators_on(service, {"PRIMAWEB_SIMULATORS": "true"}), name


def test_the_compose_stack_does_not_point_the_app_at_the_simulators():
    services = load("docker-compose.yml")["services"]
    for name in APP_SERVICES:
        for variable, value in (services[name].get("environment") or {}).items():
            assert "/simulators/" not in str(value or ""), (name, variable)


def test_the_demonstration_override_turns_the_simulators_on_and_says_so():
    text = (ROOT / "docker-compose.demo.yml").read_text()
    assert "DEMONSTRATION ONLY" in text.splitlines()[0]
    base, demo = load("docker-compose.yml")["services"], load("docker-compose.demo.yml")["services"]
    for name in APP_SERVICES:
        merged = {**(base[name].get("environment") or {}), **(demo[name].get("environment") or {})}
        assert simulators_on({"environment": merged}, {}), name
        assert "/simulators/bcss/" in merged["BCSS_URL"]
    assert "docker-compose.demo.yml" in (ROOT / "docs" / "deployment.md").read_text()
