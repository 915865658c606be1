"""Theme discovery: NMF topics over TF-IDF as candidate new codes, with representative quotes.

Deductive codes only find what the codebook expected. Non-negative matrix factorisation of the
TF-IDF matrix groups passages by shared vocabulary; each topic's top terms and its most typical
passages are a prompt for the coding team ("is this a theme we are missing?"), never a code in
itself. Topics whose passages the existing codes mostly leave uncoded are the interesting ones,
so :func:`discover_themes` reports that share when existing codings are given.

Terms are unstemmed content words (stop words and numbers removed, see
:func:`evaluation.text.preprocess.content_tokens`) so they read naturally.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from evaluation.text.preprocess import content_tokens

TOPIC_COLUMNS = ["topic", "n_passages", "top_terms", "uncoded_share", "quotes"]


def discover_themes(
    units: pd.DataFrame,
    n_topics: int = 8,
    n_terms: int = 8,
    n_quotes: int = 3,
    code_sets: Sequence[Iterable[str]] | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Candidate themes in ``units`` (``source_id, unit, text``): one row per NMF topic.

    Returns ``topic`` (1-based), ``n_passages`` (passages whose strongest topic it is),
    ``top_terms`` (highest-weight terms, comma-separated), ``uncoded_share`` (percent of those
    passages with no code in ``code_sets``, aligned with ``units``; NaN without it) and
    ``quotes`` (the ``n_quotes`` passages loading most on the topic, as ``source t<unit>: text``
    joined by `` | ``), largest topics first. Seeded, so reruns agree.
    """
    units = units.reset_index(drop=True)
    texts = units["text"].astype(str).tolist()
    vectorizer = TfidfVectorizer(analyzer=content_tokens, min_df=2, max_df=0.5, sublinear_tf=True)
    x = vectorizer.fit_transform(texts)
    n_topics = min(n_topics, x.shape[1], x.shape[0])
    if n_topics < 1:
        return pd.DataFrame(columns=TOPIC_COLUMNS)
    model = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(x)
    terms = np.asarray(vectorizer.get_feature_names_out(), dtype=object)
    strongest = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    uncoded = None if code_sets is None else np.array([not set(c) for c in code_sets])
    rows = []
    for k in range(n_topics):
        members = np.flatnonzero(strongest == k)
        top = terms[np.argsort(-model.components_[k])[:n_terms]]
        best = np.argsort(-weights[:, k])[:n_quotes]
        quotes = [
            f"{units.loc[i, 'source_id']}"
            + ("" if units.loc[i, "unit"] == "answer" else f" t{units.loc[i, 'unit']}")
            + f": {' '.join(texts[i].split())}"
            for i in best
            if weights[i, k] > 0
        ]
        rows.append(
            {
                "topic": k + 1,
                "n_passages": len(members),
                "top_terms": ", ".join(top),
                "uncoded_share": (
                    100 * float(uncoded[members].mean())
                    if uncoded is not None and len(members)
                    else np.nan
                ),
                "quotes": " | ".join(quotes),
            }
        )
    frame = pd.DataFrame(rows, columns=TOPIC_COLUMNS)
    return frame.sort_values(["n_passages", "topic"], ascending=[False, True]).reset_index(
        drop=True
    )
