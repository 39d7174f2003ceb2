"""``python -m dutygraph``: the same as the ``dutygraph`` command."""

from .cli.main import entry

entry()
