"""The figures engine stands at the bottom of the analytics: it imports no app that defines figures,
and no domain app reaches up into the follow-up app (they hand their definitions down through the
registry, and their changes reach the upkeep by signals)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))
# The floors the engine may stand on.
BENEATH_THE_ENGINE = {"figures", "districts", "consultants", "accounts", "operations"}
DOMAIN = {"interventions", "caregivers", "consultants", "outcomes", "approvals", "goals", "representatives",
          "collaboration", "districts", "accounts", "audit", "operations"}  # fmt: skip


def _imported_apps(app: str) -> dict[str, set[str]]:
    """Each first-party app the app's code imports (tests, migrations and commands aside), with where."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if {"tests", "migrations", "management"} & set(path.relative_to(ROOT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top in APPS and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_engine_imports_no_app_that_defines_figures():
    assert set(_imported_apps("figures")) <= BENEATH_THE_ENGINE


def test_no_domain_app_imports_the_follow_up_app():
    reaching_up = {app: where["followup"] for app in DOMAIN if "followup" in (where := _imported_apps(app))}
    assert reaching_up == {}
