"""python -m panelqa.cli: the same as the `panelqa` command."""

from panelqa.cli.main import main

main()
