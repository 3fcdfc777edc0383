"""The `panelqa` command: the click group and every text, CSV and JSON formatter."""

from panelqa.cli.main import cli, main

__all__ = ["cli", "main"]
