"""The package's imports flow one way, as docs/architecture.md describes: each module imports only
from its own layer or a lower one, and no module reaches itself through its imports.

Every import counts, at module level or inside a function (an import deferred for start-up time
is still a dependency); only those under `if TYPE_CHECKING:` are left out, as they never run.
"""
from __future__ import annotations

import ast
from pathlib import Path

import bcf_addin

PACKAGE = Path(bcf_addin.__file__).parent

# Lowest first. A module belongs to the first layer one of whose names is the module itself or a
# package holding it; anything not named is the engine. docs/architecture.md says what each holds.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("primitives", ("bcf_addin", "errors", "workbook", "money", "folding", "files", "lockfile", "paths", "notes", "progress",
                    "jsonout", "textfile", "userdirs", "userconfig")),
    ("back ends", ("xlsx", "excelbook")),
    ("descriptions", ("descriptions",)),
    ("engine", ()),
    ("present", ("present", "mail", "report_rows", "report_workbook", "diff_workbook", "inspection_workbook")),
    ("api", ("api",)),
    ("fronts", ("cli", "demo", "lite", "ribbon", "xlam", "collect", "outlook", "learn.cli",
                "mapping.commands")),
]
ENGINE = [name for name, _ in LAYERS].index("engine")


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imports(module: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules `module` imports, wherever in the file the import is."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else [])) \
                if node.level else node.module
            for alias in node.names:
                name = f"{base}.{alias.name}"
                found.add(name if name in known else base)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name in known and name != module}


def layer(module: str) -> int:
    name = module.removeprefix("bcf_addin.") if module != "bcf_addin" else module
    for i, (_, names) in enumerate(LAYERS):
        if any(name == n or name.startswith(n + ".") for n in names):
            return i
    return ENGINE


def graph() -> dict[str, set[str]]:
    known = modules()
    return {module: imports(module, path, known) for module, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each set of modules that reach one another (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_at_module_level_and_inside_functions():
    edges = graph()
    assert "bcf_addin.descriptions.reading" in edges["bcf_addin.descriptions.sources"]  # module level
    assert "bcf_addin.xlsx.reader" in edges["bcf_addin.recognise"]                      # inside open_template
    assert "bcf_addin.checks.context" not in edges["bcf_addin.checks.rule"]             # TYPE_CHECKING only


def test_no_module_reaches_itself_through_its_imports():
    found = cycles(graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_no_module_imports_from_a_higher_layer():
    upward = [f"{m} ({LAYERS[layer(m)][0]}) imports {i} ({LAYERS[layer(i)][0]})"
              for m, targets in sorted(graph().items()) for i in sorted(targets) if layer(i) > layer(m)]
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_readme_layout_names_every_top_level_module():
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `bcf_addin/` |"))
    tops = [p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"] + \
        [f"{p.parent.name}/" for p in PACKAGE.glob("*/__init__.py")]
    assert [name for name in sorted(tops) if f"`{name}`" not in row] == []


def test_every_layer_named_in_docs_architecture():
    doc = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert [name for name, _ in LAYERS if f"| {name} |" not in doc] == []
