"""Text preprocessing with NLTK's offline parts: tokens, stems, stop words, n-grams, collocations.

Everything here runs without NLTK data packages (``word_tokenize``, the ``stopwords`` corpus and
WordNet need downloads, which the workbench never does): tokens come from a ``RegexpTokenizer``,
stems from ``SnowballStemmer("english")``, and the stop list ships with the package
(``evaluation/text/data/stopwords_en.txt``). Stems are cached per distinct word, because a corpus
has far fewer distinct words than tokens and stemming is the slow step.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache
from importlib import resources

import pandas as pd
from nltk.collocations import BigramCollocationFinder
from nltk.metrics import BigramAssocMeasures
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from nltk.util import ngrams

# Letters or digits, keeping an inner apostrophe ("don't", "staff's"); case-insensitive so that
# spans index the original text (lower-casing can change a string's length).
TOKEN_PATTERN = r"[^\W_]+(?:['’][^\W_]+)*"
TOKENIZER = RegexpTokenizer(TOKEN_PATTERN)
# The same pattern compiled directly, for hot loops: ``re.findall`` is twice as fast as going
# through ``RegexpTokenizer.tokenize`` when there is no need for spans.
TOKEN_RE = re.compile(TOKEN_PATTERN)
_STEMMER = SnowballStemmer("english")


@cache
def stem(word: str) -> str:
    """Snowball stem of one lower-case word (typographic apostrophes made straight first)."""
    return _STEMMER.stem(word.replace("’", "'"))


@cache
def stop_words() -> frozenset[str]:
    """The packaged English stop list (for discovery and collocations; rules keep every word)."""
    text = resources.files("evaluation.text").joinpath("data/stopwords_en.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def tokens(text: str) -> list[str]:
    """Lower-case word tokens of ``text``."""
    return [t.lower() for t in TOKENIZER.tokenize(text)]


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of the tokens of ``text`` in ``text`` itself."""
    return list(TOKENIZER.span_tokenize(text))


def stems(text: str, drop_stop_words: bool = False) -> list[str]:
    """Stemmed tokens of ``text``, optionally without stop words."""
    stop = stop_words() if drop_stop_words else frozenset()
    return [stem(t) for t in tokens(text) if t not in stop]


def content_tokens(text: str) -> list[str]:
    """Tokens without stop words and numbers: readable terms for topics and collocations."""
    stop = stop_words()
    return [t for t in tokens(text) if t not in stop and not t.isdigit() and len(t) > 1]


def ngram_counts(texts: Iterable[str], n: int = 2, top: int = 20) -> pd.DataFrame:
    """The ``top`` most frequent content-word n-grams (within each text, not across texts)."""
    counts: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        counts.update(ngrams(content_tokens(text), n))
    rows = [{"ngram": " ".join(g), "count": c} for g, c in counts.most_common(top)]
    return pd.DataFrame(rows, columns=["ngram", "count"])


def collocations(texts: Iterable[str], top: int = 20, min_freq: int = 3) -> pd.DataFrame:
    """Word pairs that occur together more than chance (Dunning's log-likelihood ratio).

    Pairs are found within each text (a sentinel token separates texts so no pair spans two
    speakers) among content words, and kept when seen at least ``min_freq`` times.
    """
    sentinel = "\x00"
    words: list[str] = []
    for text in texts:
        words.extend(content_tokens(text))
        words.append(sentinel)
    finder = BigramCollocationFinder.from_words(words)
    finder.apply_word_filter(lambda w: w == sentinel)
    finder.apply_freq_filter(min_freq)
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)[:top]
    rows = [
        {"collocation": f"{a} {b}", "count": finder.ngram_fd[(a, b)], "llr": score}
        for (a, b), score in scored
    ]
    return pd.DataFrame(rows, columns=["collocation", "count", "llr"])
