"""One module per ``atoopt`` subcommand; each has ``add_parser(subparsers)``."""

from . import scaleout, solve, template, validate

#: The subcommands in the order ``atoopt --help`` lists them.
COMMANDS = [template, validate, solve, scaleout]
