"""The command line loads each command's module only when it is asked for: every command must still be there,
with its help, and a command that runs must not load the database layer it does not use."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from redline.cli.main import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_answers_its_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([name, "--help"]) == 0
    assert f"redline {name}" in capsys.readouterr().out


def test_the_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    assert all(f" {name} " in listed for name in COMMANDS)


def test_an_unknown_command_is_a_usage_error() -> None:
    assert main(["no-such-command"]) == 2


def test_a_probe_run_does_not_load_the_database_layer() -> None:
    code = (
        "import sys; from redline.cli.main import main; main(['probe', 'list']); "
        "print('sqlalchemy' in sys.modules, 'redline.store' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


@pytest.mark.parametrize(("group", "sub"), [("users", "set-email"), ("orgs", "webhook")])
def test_a_sub_command_another_module_adds_is_there_in_a_fresh_process(group: str, sub: str) -> None:
    """`users set-email` and `orgs webhook` are added by cli/reminders.py; a fresh process that loads only what
    the command names must still offer them (in this process other tests may have imported that module)."""
    script = f"import sys; from redline.cli.main import main; sys.exit(main([{group!r}, '--help']))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert done.returncode == 0, done.stderr
    assert f" {sub} " in done.stdout, done.stdout
