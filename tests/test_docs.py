"""The README stays true: every command is documented there and has help text."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from panelqa.cli.main import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_command_has_help_and_is_in_the_readme():
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), f"{name} has no help text"
        assert f"panelqa {name}" in README, f"README does not show panelqa {name}"
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, name


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README
