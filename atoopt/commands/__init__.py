"""One module per ``atoopt`` subcommand; each has ``add_parser(subparsers)``."""

from . import bench, evaluate, saa, scaleout, solve, template, validate, whatif

#: The subcommands in the order ``atoopt --help`` lists them.
COMMANDS = [template, validate, solve, evaluate, saa, whatif, scaleout, bench]
