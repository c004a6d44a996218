"""The layers, enforced: no import circle between any two modules of the project, and imports only go from the
apps to the core (docs/architecture.md). Every import counts, those inside functions included. And small modules:
none over MAX_LINES lines, migrations included."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mess", "web", "workers", "analytics", "cli")
APPS = ("web", "workers", "analytics")
# Who may import whom: the core imports only itself; an app imports the core and itself; cli starts the apps.
ALLOWED = {"mess": {"mess"}, **{app: {"mess", app} for app in APPS}, "cli": set(PACKAGES)}
MAX_LINES = 450


def project_sources() -> dict[str, str]:
    """Module name -> source, for every module of the project's packages."""
    sources = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            sources[name] = path.read_text(encoding="utf-8")
    return sources


def imported_modules(module: str, source: str, modules: set[str]) -> set[str]:
    """The project modules that import statements anywhere in the module ask for, relative imports resolved:
    `from a import b` is a.b when b is a module, else a."""
    found = set()
    is_package = any(other.startswith(f"{module}.") for other in modules)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            origin = node.module or ""
            if node.level:
                base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                origin = ".".join([*base, node.module] if node.module else base)
            names = [
                f"{origin}.{alias.name}" if f"{origin}.{alias.name}" in modules else origin for alias in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in modules:  # a name that is not a module (a class, a function): its module
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def import_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    modules = set(sources)
    return {module: imported_modules(module, source, modules) for module, source in sources.items()}


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a sorted list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def find_cycle(graph: Mapping[str, set[str]], component: list[str]) -> list[str]:
    """One concrete circle through the component's first module, for the failure message."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        node = frontier.pop(0)
        for target in sorted(graph[node] & members):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                frontier.append(target)
    raise AssertionError(f"no circle in {component}")


def forbidden(graph: Mapping[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if target.split(".")[0] not in ALLOWED[module.split(".")[0]]
    )


SOURCES = project_sources()
GRAPH = import_graph(SOURCES)


def test_the_graph_sees_every_kind_of_import():
    assert len(GRAPH) > 150
    assert "mess.notifications.mail" in GRAPH["workers.tasks.notifications"]  # from-import of a module
    assert "workers.metrics" in GRAPH["workers.celery_app"]  # plain import
    assert "cli.devserver" in GRAPH["cli.main"]  # inside a function
    assert "mess.billing.repository" in GRAPH["mess.billing.dispatch"]  # `from mess.billing import repository`


def test_no_import_circle():
    circles = [" -> ".join(find_cycle(GRAPH, component)) for component in cycles(GRAPH)]
    assert circles == []


def test_imports_go_from_the_apps_to_the_core():
    assert forbidden(GRAPH) == []


def test_no_module_is_over_the_line_limit():
    lengths = {module: source.count("\n") for module, source in SOURCES.items()}
    assert {module: n for module, n in lengths.items() if n > MAX_LINES} == {}
    assert lengths["mess.db.migrations.versions.20261127_01_initial_schema"] > 300  # migrations are counted


def test_the_checks_catch_what_they_are_for():
    sources = {
        "mess": "",
        "mess.a": "from mess import b\n",
        "mess.b": "def f():\n    from . import c\n",
        "mess.c": "import mess.a.x\n",
        "web": "",
        "web.pages": "from mess.a import thing\n",
        "workers": "",
        "workers.tasks": "",
        "workers.tasks.billing": "from ..tasks import operations\nimport web.pages\n",
        "workers.tasks.operations": "",
    }
    graph = import_graph(sources)
    assert graph["mess.c"] == {"mess.a"} and graph["workers.tasks.billing"] == {"workers.tasks.operations", "web.pages"}
    assert cycles(graph) == [["mess.a", "mess.b", "mess.c"]]
    assert find_cycle(graph, ["mess.a", "mess.b", "mess.c"]) == ["mess.a", "mess.b", "mess.c", "mess.a"]
    assert forbidden(graph) == ["workers.tasks.billing imports web.pages"]
