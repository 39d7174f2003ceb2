"""The law corpus (SPEC §6): the texts of laws, regulations and rules, by version and article.

:mod:`.parse` reads the corpus format (one Markdown file per version and an
``index.csv``) into acts, versions and articles with their 款 and 项.
"""

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
]
