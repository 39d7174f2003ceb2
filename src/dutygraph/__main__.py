"""``python -m dutygraph``: the same as the ``dutygraph`` command."""

import sys

from .cli.main import main

sys.exit(main())
