"""The house's rules, checked on the source itself: the three packages' imports point one
way (okr_api -> projections -> okr_domain) and never in a circle, counting imports made
inside functions and under ``TYPE_CHECKING``; no module over 300 lines; docstrings point
only at what a reader can open."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "okr_domain": ROOT / "src" / "okr_domain",
    "okr_api": ROOT / "src" / "okr_api",
    "projections": ROOT / "projections",
}
LAYERS = {"okr_domain": 0, "projections": 1, "okr_api": 2}
MAX_LINES = 300


def _modules() -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package, base in PACKAGES.items():
        for path in sorted(base.rglob("*.py")):
            parts = [package, *path.relative_to(base).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _owning_module(name: str) -> str | None:
    """The module of ours that a dotted name imports (a module or a name in one)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every module of ours that ``module`` imports, wherever the import statement is."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found = _owning_module(alias.name)
                if found:
                    yield found
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            for alias in node.names:
                found = _owning_module(f"{source}.{alias.name}")
                if found:
                    yield found


GRAPH = {module: set(_imported(module, path)) - {module} for module, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm,
    iterative so deep chains do not hit the recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component: list[str] = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
    return components


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles(GRAPH) == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_imports_point_down_the_layers(package: str) -> None:
    upward = sorted(
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items() if module.split(".")[0] == package
        for imported in imported_modules
        if LAYERS[imported.split(".")[0]] > LAYERS[package]
    )
    assert upward == []


def test_no_module_is_longer_than_the_house_allows() -> None:
    long = {module: lines for module, path in MODULES.items()
            if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_docstrings_point_only_at_what_a_reader_can_open() -> None:
    # The README and the modules are in the repository; a design document is not.
    citing = sorted(module for module, path in MODULES.items()
                    if "DESIGN" in path.read_text(encoding="utf-8"))
    assert citing == []
