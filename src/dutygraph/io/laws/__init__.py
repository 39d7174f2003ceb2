"""The law corpus (SPEC §6): the texts of laws, regulations and rules, by version and article.

:mod:`.parse` reads the corpus format (one Markdown file per version and an
``index.csv``) into acts, versions and articles with their 款 and 项;
:mod:`.records` makes them the graph's records and :mod:`.load` an import
(``dutygraph load laws/``); :mod:`.cite` resolves every legal basis an import
brings to the act, version and article it cites.
"""

from .load import read_corpus_batch
from .parse import (
    PACKAGED_CORPUS,
    SAMPLE_CORPUS,
    Act,
    Article,
    Corpus,
    Paragraph,
    Version,
    act_id,
    article_key,
    is_corpus,
    packaged_corpus,
    parse_text,
    read_corpus,
)

__all__ = [
    "PACKAGED_CORPUS",
    "SAMPLE_CORPUS",
    "Act",
    "Article",
    "Corpus",
    "Paragraph",
    "Version",
    "act_id",
    "article_key",
    "is_corpus",
    "packaged_corpus",
    "parse_text",
    "read_corpus",
    "read_corpus_batch",
]
