"""The entry point loads only the module of the command it runs (``mlops_maturity.cli.COMMAND_MODULES``).

Typer builds every registered command's options before it parses the one that runs, so a command line imports the
module of its command alone. These tests hold the map equal to what the modules register, and show that a command
run that way behaves as in the whole application: the same help, the same output, the same errors.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from mlops_maturity.cli import COMMAND_MODULES, command_module
from mlops_maturity.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "small-devops-shop.yaml"
ENV = {**os.environ, "COLUMNS": "100", "NO_COLOR": "1", "PYTHONHASHSEED": "0"}

REGISTERED = """
import json, sys, typer.main
from importlib import import_module
import_module("mlops_maturity.cli." + sys.argv[1])
from mlops_maturity.cli.common import app
print(json.dumps(sorted(typer.main.get_command(app).commands)))
"""

LOADED = """
import sys
from mlops_maturity.cli import main
sys.argv = ["maturity", *sys.argv[1:]]
try:
    main()
finally:
    print(sorted(m for m in sys.modules if m.startswith("mlops_maturity.cli.")), file=sys.stderr)
"""

FULL = """
import sys
from mlops_maturity.cli.app import app
app(sys.argv[1:], prog_name="maturity")
"""

LAZY = """
import sys
from mlops_maturity.cli import main
sys.argv = ["maturity", *sys.argv[1:]]
main()
"""


def _run(program: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", program, *args], capture_output=True, text=True, env=ENV,
                          cwd=ROOT, timeout=120)


def test_the_map_names_every_command_of_the_application() -> None:
    assert sorted(typer.main.get_command(app).commands) == sorted(COMMAND_MODULES)


@pytest.mark.parametrize("module", sorted(set(COMMAND_MODULES.values())))
def test_each_module_registers_exactly_the_commands_the_map_gives_it(module: str) -> None:
    result = _run(REGISTERED, module)
    assert result.returncode == 0, result.stderr
    registered = json.loads(result.stdout)
    if module != "core_cmd":  # the kb group is made with the application itself, so every module shows it
        registered.remove("kb")
    assert registered == sorted(name for name, where in COMMAND_MODULES.items() if where == module)


@pytest.mark.parametrize(("argv", "expected"), [
    ([], None), (["--help"], None), (["reprot", "x.yaml"], None), (["x.yaml"], None),
    (["report", "x.yaml"], "report_cmd"), (["kb", "list"], "core_cmd"), (["how", "--help"], "explain_cmd"),
])
def test_the_module_a_command_line_needs(argv: list[str], expected: str | None) -> None:
    assert command_module(argv) == expected


def test_a_command_imports_its_own_module_and_not_the_others() -> None:
    result = _run(LOADED, "schema", "facts")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["title"]
    loaded = result.stderr.strip().splitlines()[-1]
    assert "mlops_maturity.cli.core_cmd" in loaded
    for other in ("report_cmd", "roadmap_cmd", "interview_cmd", "intake_cmd", "explain_cmd", "crosswalk_cmd"):
        assert f"mlops_maturity.cli.{other}" not in loaded


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_help_of_each_command_is_the_same_as_in_the_whole_application(command: str) -> None:
    lazy, full = _run(LAZY, command, "--help"), _run(FULL, command, "--help")
    assert lazy.returncode == full.returncode == 0, lazy.stderr + full.stderr
    assert lazy.stdout == full.stdout
    assert f"maturity {command}" in lazy.stdout


@pytest.mark.parametrize("argv", [
    ["assess", str(EXAMPLE), "--format", "json"],
    ["roadmap", str(EXAMPLE), "--format", "markdown"],
    ["why", str(EXAMPLE), "--level", "3", "--format", "markdown"],
    ["kb", "show", "ml.model-registry"],
    ["assess", str(EXAMPLE), "--section", "nope"],  # an input error: message and exit code 2
    ["report", str(EXAMPLE), "--target", "7"],
    ["roadmap", str(EXAMPLE), "--no-such-option"],  # typer's own usage error
    ["kb"],  # a group without its subcommand: help, as typer prints it
])
def test_a_command_behaves_as_in_the_whole_application(argv: list[str]) -> None:
    lazy, full = _run(LAZY, *argv), _run(FULL, *argv)
    assert (lazy.returncode, lazy.stdout, lazy.stderr) == (full.returncode, full.stdout, full.stderr)
    if argv[-1] in ("nope", "7"):
        assert lazy.returncode == 2 and "--" in lazy.stderr


def test_no_command_and_a_misspelt_one_load_every_command() -> None:
    listing = _run(LAZY, "--help")
    assert listing.returncode == 0
    for command in COMMAND_MODULES:
        assert command in listing.stdout
    misspelt = _run(LAZY, "reprot", str(EXAMPLE))
    assert misspelt.returncode == 2
    assert "report" in misspelt.stderr  # typer's "did you mean" needs every command loaded


PLUGINS = """
import os, sys
from mlops_maturity.cli import main
sys.argv = ["maturity", "schema", "facts"]
try:
    main()
finally:
    from pydantic.plugin import _loader
    print(repr(os.environ.get("PYDANTIC_DISABLE_PLUGINS")), _loader._plugins is None, file=sys.stderr)
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "'__all__' True"), ("", "'' False"), ("x", "'x' False")])
def test_the_command_line_skips_pydantic_plugins_unless_told_otherwise(given: str | None, expected: str) -> None:
    env = {k: v for k, v in ENV.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    result = subprocess.run([sys.executable, "-c", PLUGINS], capture_output=True, text=True, env=env, cwd=ROOT,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == expected  # the scan ran (plugins looked up) only when allowed


STAND_IN = """
import os, sys
from mlops_maturity.cli import PLUGIN_LOADER, main
sys.argv = ["maturity", "roadmap", sys.argv[1], "--format", "json"]
try:
    main()
finally:
    loader = sys.modules.get(PLUGIN_LOADER)
    print("entry_points" in vars(loader), "importlib.metadata" in sys.modules, loader.get_plugins() == (),
          file=sys.stderr)
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = "x"  # plugins turned back on: the real loader answers, and stays
    loader.get_plugins()
    print(sys.modules[PLUGIN_LOADER] is not loader, "entry_points" in vars(sys.modules[PLUGIN_LOADER]),
          loader._plugins is not None, file=sys.stderr)
"""


def test_with_plugins_off_the_command_line_does_not_import_pydantics_loader() -> None:
    env = {k: v for k, v in ENV.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    result = subprocess.run([sys.executable, "-c", STAND_IN, str(EXAMPLE)], capture_output=True, text=True, env=env,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["target"]  # the command ran, validators and all
    # A stand-in answered (no plugins) and importlib.metadata was never imported; then, plugins on, the real loader
    # replaced it and looked them up (its _plugins is filled in).
    assert result.stderr.strip().splitlines()[-2:] == ["False False True", "True True True"]
