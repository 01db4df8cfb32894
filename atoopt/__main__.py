"""``python -m atoopt``: the same as the ``atoopt`` command."""

import sys

from .cli import main

sys.exit(main())
