"""The import graph of ARCHITECTURE.md, as import-linter checks it (make lint): these
tests keep its `protected` lists honest as apps grow, and check what services offer."""

from __future__ import annotations

import ast
import importlib
import inspect
import tomllib
from pathlib import Path

import pytest
from django.db import models

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = {"services", "selectors", "exceptions"}
PROTECTED_APPS = ["notify", "banking", "delivery", "counter", "verification", "doorstep"]


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def _top_level_modules(app: str) -> set[str]:
    names = set()
    for path in (ROOT / app).iterdir():
        if path.name.startswith(("_", ".")) or path.name == "migrations":
            continue
        if path.suffix == ".py" or (path.is_dir() and (path / "__init__.py").exists()):
            names.add(path.stem if path.suffix == ".py" else path.name)
    return names


@pytest.mark.parametrize("app", PROTECTED_APPS)
def test_every_private_module_is_protected(app):
    (contract,) = [c for c in _contracts() if c["type"] == "protected" and c["allowed_importers"][0] == app]
    listed = {name.removeprefix(f"{app}.") for name in contract["protected_modules"]}
    assert listed == _top_level_modules(app) - PUBLIC
    assert set(contract["allowed_importers"]) == {app, "config"}


def test_core_is_the_bottom_layer_and_imports_nothing_of_ours():
    contracts = _contracts()
    (layers,) = [c for c in contracts if c["type"] == "layers"]
    assert layers["layers"][-1] == "core"
    (forbidden,) = [c for c in contracts if c["type"] == "forbidden" and c["source_modules"] == ["core"]]
    roots = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    assert set(forbidden["forbidden_modules"]) == set(roots) - {"core"}


def _foreign_uses() -> list[tuple[str, str, str]]:
    """(using file, "app.services" or "app.selectors", name) for every name another app
    takes from a services or selectors module, by `from x.services import n` or `alias.n`."""
    uses = []
    for app in ["accounts", "notify", *PROTECTED_APPS]:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            aliases: dict[str, str] = {}
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    owner = node.module.split(".")[0]
                    if owner == app or owner not in PROTECTED_APPS:
                        continue
                    if node.module.endswith((".services", ".selectors")):
                        uses += [(str(path.relative_to(ROOT)), node.module, a.name) for a in node.names]
                    elif node.module == owner:
                        for a in node.names:
                            if a.name in ("services", "selectors"):
                                aliases[a.asname or a.name] = f"{owner}.{a.name}"
            for node in ast.walk(tree):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                    uses.append((str(path.relative_to(ROOT)), aliases[node.value.id], node.attr))
    return uses


def test_other_apps_use_only_the_public_surface_and_no_models():
    """A name another app takes from x.services / x.selectors is in its __all__ and is
    not a model: services do not re-export models or helpers."""
    wrong = []
    for where, module_name, name in _foreign_uses():
        module = importlib.import_module(module_name)
        value = getattr(module, name, None)
        is_model = inspect.isclass(value) and issubclass(value, models.Model)
        if is_model or name not in getattr(module, "__all__", [name]):
            wrong.append(f"{where}: {module_name}.{name}")
    assert wrong == []
