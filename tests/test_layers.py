"""The folders show the layers: no import cycle, no import back up, `--help` imports no mlx.

Every `import agentkit...` in the package is read with `ast` (those inside
functions too: a lazy import is still a dependency), so the test sees the
graph a reader would draw, not only what happens to be imported at startup.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE = REPO_ROOT / "agentkit"

# Bottom to top. A module may import from its own layer or below, never above.
LAYERS: list[set[str]] = [
    {"agentkit", "errors", "cli_types"},          # the package's version, the kit's exceptions, argparse types
    {"parsing", "tools", "prompts", "trace"},     # pure parts and records
    {"serving"},                                  # find a model, render its template, start the server
    {"client"},                                   # talk to it
    {"agents"},                                   # the loops
    {"harness", "bench", "sizing", "toy"},        # measure, compare, size a model, build the toy models
    {"chat", "cli"},                              # commands that are only commands
]
LAYER_OF = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(module: str) -> str:
    """`agentkit.client.history` -> `client`; a loose module is its own package (`cli`, `errors`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "agentkit"


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The agentkit modules `path` imports, resolved to the most specific module that exists."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from agentkit.x import y`: y may be a submodule or a name in x.
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name.startswith("agentkit"):
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    modules = set(files)
    return {module: imports_of(path, modules) - {module} for module, path in files.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in the graph as a path that returns to its start, or None."""
    state: dict[str, str] = {}

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target, path)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [])):
            return cycle
    return None


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(package_of(module), set()).update(
            package_of(target) for target in targets if package_of(target) != package_of(module))
    return packages


def test_every_package_has_a_layer():
    unplaced = {package_of(module) for module in import_graph()} - set(LAYER_OF)
    assert not unplaced, f"add {sorted(unplaced)} to LAYERS in this test"


def test_no_two_modules_import_each_other_even_through_others():
    assert find_cycle(import_graph()) is None, " -> ".join(find_cycle(import_graph()))


def test_no_two_packages_import_each_other():
    cycle = find_cycle(package_graph(import_graph()))
    assert cycle is None, "packages in a cycle: " + " -> ".join(cycle)


def test_no_import_runs_back_up_the_layers():
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in import_graph().items()
        for target in targets
        if LAYER_OF[package_of(target)] > LAYER_OF[package_of(module)]
    )
    assert not upward, "\n".join(upward)


def test_the_checks_catch_a_cycle_and_an_upward_import():
    # The helpers themselves, on a made-up graph, so the tests above cannot pass by accident.
    graph = {"agentkit.trace.events": {"agentkit.client.history"}, "agentkit.client.history": {"agentkit.trace.events"}}
    assert find_cycle(graph) == ["agentkit.client.history", "agentkit.trace.events", "agentkit.client.history"]
    assert find_cycle(package_graph(graph)) is not None
    assert LAYER_OF[package_of("agentkit.client.history")] > LAYER_OF[package_of("agentkit.trace.events")]


def test_at_most_four_loose_modules_and_none_too_long():
    loose = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(loose) <= 4, loose
    too_long = {str(path.relative_to(REPO_ROOT)): n for path in PACKAGE.rglob("*.py")
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300}
    assert not too_long, too_long


@pytest.mark.parametrize("argv", [["--help"], ["fit", "--help"]])
def test_help_imports_no_mlx(argv):
    # In a fresh interpreter: what `agentkit --help` imports, listed after argparse exits.
    code = ("import sys, atexit\n"
            "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules})))\n"
            "from agentkit.cli import main\n"
            f"main({argv!r})\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          cwd=REPO_ROOT, env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    imported = eval(done.stdout.strip().splitlines()[-1])
    assert "agentkit" in imported  # the check itself saw the import it ran
    assert not {"mlx", "mlx_lm", "torch", "transformers"} & set(imported), imported


def test_help_imports_no_command_module():
    code = ("import sys\nfrom agentkit.cli import build_parser\nbuild_parser(only='')\n"
            "print(sorted(m for m in sys.modules if m.startswith('agentkit.')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    assert eval(done.stdout) == ["agentkit.cli"]


def test_every_command_has_one_shape():
    import importlib

    from agentkit.cli import COMMANDS

    for name, command in COMMANDS.items():
        module = importlib.import_module(command.module)
        assert callable(module.add_arguments) and callable(module.run), name
        assert command.module.split(".")[1] in LAYER_OF, f"{name}: {command.module} is in no layer"
