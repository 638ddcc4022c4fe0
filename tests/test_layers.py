"""The layers of bpcheck, read from its source with ``ast`` (CONTRIBUTING.md, "The layers").

- The core computes: it imports no click, rich or yaml, at module level or inside a function, neither
  itself nor through another bpcheck module; it reads files only through the input edge (loading.py,
  answers.py, yamlfile.py, where PyYAML is), and imports nothing of the command line.
- No module imports itself back, through any chain of imports, run at start or inside a function. An
  import under ``if TYPE_CHECKING:`` never runs, and is no edge.

Every import is counted wherever it is written, so a lazy import inside a function (which keeps
start-up light) cannot hide a layer broken or a cycle made.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "bpcheck"

# The core (CONTRIBUTING.md): numbers and formulas, the network, solving, grading, the named mistakes,
# variants, training, the class's records. Pure computation on records.
CORE = frozenset({
    "errors", "numbers", "nodes", "safetext", "names", "network", "activations", "losses", "formulas",
    "quantities", "solver", "solution", "feedback", "grading", "misconceptions", "variants", "training",
    "gradcheck", "lint", "classreport", "ids", "practice", "batch", "files", "roster", "builtin",
})
# The input edge: files read (YAML through yamlfile.py). The core may call it to read a file.
INPUT_EDGE = frozenset({"loading", "answers", "yamlfile"})
OUTSIDE_THE_CORE = ("click", "rich", "yaml")


def module_name(path: Path) -> str:
    parts = ["bpcheck", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(nodes):
    """Every Import and ImportFrom among ``nodes`` and in them, at any depth (functions, classes,
    branches), except those under ``if TYPE_CHECKING:``."""
    for node in nodes:
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from _imports(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(ast.iter_child_nodes(node))


def imported(name: str) -> tuple[set[str], set[str]]:
    """(the bpcheck modules ``name`` imports, the top-level names of the other packages it imports).
    ``from . import x`` is the module bpcheck.x where there is one, else the package's own __init__."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    ours, others = set(), set()
    for node in _imports([ast.parse(path.read_text(encoding="utf-8"), str(path))]):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif node.level:
            base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1])
            target = f"{base}.{node.module}" if node.module else base
            targets = [f"{target}.{alias.name}" if f"{target}.{alias.name}" in MODULES else target
                       for alias in node.names]
        else:
            module = node.module or ""
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}" in MODULES else module
                       for alias in node.names]
        for target in targets:
            if target.split(".")[0] == "bpcheck":
                ours.add(target)
            else:
                others.add(target.split(".")[0])
    ours.discard(name)
    return ours, others


GRAPH = {name: imported(name) for name in MODULES}


def test_the_layers_name_modules_that_exist():
    named = {f"bpcheck.{name}" for name in CORE | INPUT_EDGE}
    assert named <= set(MODULES), sorted(named - set(MODULES))


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_imports_no_click_rich_or_yaml_nor_the_command_line(name):
    """Through every chain of bpcheck imports that does not go through the input edge."""
    reached, chain = {f"bpcheck.{name}"}, [f"bpcheck.{name}"]
    while chain:
        module = chain.pop()
        ours, others = GRAPH[module]
        assert not others & set(OUTSIDE_THE_CORE), (module, sorted(others & set(OUTSIDE_THE_CORE)))
        assert not any(other == "bpcheck.cli" or other.startswith("bpcheck.cli.") for other in ours), module
        for other in ours - reached:
            reached.add(other)
            if other.removeprefix("bpcheck.") not in INPUT_EDGE:
                chain.append(other)


def test_yaml_is_read_in_one_module():
    readers = sorted(name for name, (_, others) in GRAPH.items() if "yaml" in others)
    assert readers == ["bpcheck.yamlfile"]


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each a cycle or several."""
    index: dict[str, int] = {}
    lowest: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(module: str) -> None:
        index[module] = lowest[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                lowest[module] = min(lowest[module], lowest[other])
            elif other in stack:
                lowest[module] = min(lowest[module], index[other])
        if lowest[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_module_imports_itself_back():
    assert import_cycles({name: ours & set(MODULES) for name, (ours, _) in GRAPH.items()}) == []


def test_the_cycle_finder_finds_a_cycle_and_a_lazy_import():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert import_cycles(graph) == [["a", "b", "c"]]
    tree = ast.parse("import x\nif TYPE_CHECKING:\n    import y\nelse:\n    import z\n"
                     "def f():\n    from . import w\n")
    assert [alias.name for node in _imports([tree]) for alias in node.names] == ["x", "z", "w"]
