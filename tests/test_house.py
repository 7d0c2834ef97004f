"""House rules that a reviewer would otherwise have to remember: module size, no private imports
across apps, no import cycles, one logging style, one access vocabulary and error handler.

Each check has an ALLOWED list of known exceptions. A check fails when a new offender appears,
and also when an allowed entry is no longer needed (so the list only ever shrinks).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "catalogue", "config", "matching", "notifications", "oversight", "taxonomy")
MAX_LINES = 450

# Modules longer than MAX_LINES (a stale entry fails the test).
ALLOWED_LONG: set[str] = set()

# (importing module, imported module, name) of private names imported across apps.
ALLOWED_PRIVATE: set[tuple[str, str, str]] = set()

# Import cycles, each as the sorted modules of one strongly connected component: at import time
# (module level), and counting the imports inside functions too (a lazy import that only hides
# a cycle, e.g. a service importing its tasks).
ALLOWED_CYCLES: set[tuple[str, ...]] = set()
ALLOWED_LAZY_CYCLES: set[tuple[str, ...]] = set()

# Modules that configure stdlib logging (handlers, levels) rather than log through it.
ALLOWED_STDLIB_LOGGING: set[str] = {
    "bench/bench_notifications.py",
    "tests/security/conftest.py",
}

# Outside the apps' own code: data migrations, tests, benchmarks and scripts.
SKIPPED_PARTS = {"migrations", "tests", "bench", "scripts", "__pycache__"}


def app_modules() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not SKIPPED_PARTS.intersection(path.relative_to(ROOT).parts):
                yield path


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _stale(allowed: set, found: set) -> set:
    return allowed - found


def test_no_app_module_is_longer_than_450_lines():
    long = {rel(p) for p in app_modules() if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES}
    assert long - ALLOWED_LONG == set(), f"split these by concern (at most {MAX_LINES} lines)"
    assert _stale(ALLOWED_LONG, long) == set(), "no longer too long: remove from ALLOWED_LONG"


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def test_no_module_imports_a_private_name_of_another_app():
    found = set()
    for path in app_modules():
        module = module_name(path)
        for node in ast.walk(parse(path)):
            if not isinstance(node, ast.ImportFrom):
                continue
            source = _resolve(node, module, path.name == "__init__.py")
            if source.split(".")[0] == module.split(".")[0]:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add((module, source, alias.name))
    assert found - ALLOWED_PRIVATE == set(), "use (or make) a public function of the other app"
    assert _stale(ALLOWED_PRIVATE, found) == set(), "no longer imported: remove from ALLOWED_PRIVATE"


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Imports that run when the module is imported: not inside functions or TYPE_CHECKING."""
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))


def _all_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node


def import_graph(*, lazy: bool = False) -> dict[str, set[str]]:
    paths = {module_name(p): p for p in app_modules()}
    graph: dict[str, set[str]] = {name: set() for name in paths}
    for module, path in paths.items():
        imports = _all_imports if lazy else _module_level_imports
        for node in imports(parse(path)):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                source = _resolve(node, module, path.name == "__init__.py")
                # `from package import module` imports the module; otherwise the package itself.
                targets = [
                    f"{source}.{alias.name}" if f"{source}.{alias.name}" in paths else source
                    for alias in node.names
                ]
            graph[module].update(t for t in targets if t in paths and t != module)
    return graph


def cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: set[tuple[str, ...]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph[node]):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(tuple(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_project_modules():
    found = cycles(import_graph())
    assert found - ALLOWED_CYCLES == set(), (
        "tasks call services, never the reverse; constants live below both"
    )
    assert _stale(ALLOWED_CYCLES, found) == set(), "cycle gone: remove from ALLOWED_CYCLES"


def test_no_import_cycles_hidden_in_functions():
    found = cycles(import_graph(lazy=True))
    assert found - ALLOWED_LAZY_CYCLES == set(), (
        "a lazy import hides a cycle: move the shared code below both"
    )
    assert _stale(ALLOWED_LAZY_CYCLES, found) == set(), "cycle gone: remove from ALLOWED_LAZY_CYCLES"


def test_one_logging_style():
    paths = [*app_modules(), *(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    found = {rel(p) for p in paths if re.search(r"logging\.getLogger\(", p.read_text(encoding="utf-8"))}
    assert found - ALLOWED_STDLIB_LOGGING == set(), "log with structlog.get_logger(__name__)"
    assert _stale(ALLOWED_STDLIB_LOGGING, found) == set(), "remove from ALLOWED_STDLIB_LOGGING"


def test_one_access_vocabulary_and_one_api_error_handler():
    """The active organisation comes from accounts.access (never an unordered `.first()`), and
    API errors from config/api.py's handler (never a viewset's own handle_exception)."""
    pattern = re.compile(r"memberships\.first\(\)|handle_exception")
    found = [
        f"{rel(p)}:{n}"
        for p in app_modules()
        if p.parts[len(ROOT.parts)] in ("accounts", "matching", "notifications", "oversight", "config")
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
