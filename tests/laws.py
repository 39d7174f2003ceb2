"""The packaged law corpus as the competence tests read it: one act's version in force on the
tests' date (the last version where none is), found by title."""

from __future__ import annotations

from dutygraph.io.laws import packaged_corpus

#: the date the competence tests read the corpus at
AS_OF = "2025-06-01"


def law_version(title: str):  # type: ignore[no-untyped-def]
    """The version of the act titled ``title`` in force on :data:`AS_OF` (else its last)."""
    act = packaged_corpus().find(title)
    assert act is not None, title
    return act.version_at(AS_OF) or act.versions[-1]
