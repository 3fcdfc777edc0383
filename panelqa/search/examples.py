"""Example questions drawn from the indexed papers: their common two-word topics, years and financial years."""

from __future__ import annotations

import re
from collections import Counter

from panelqa.search.index import SearchIndex
from panelqa.text.money import find_money
from panelqa.text.stopwords import STOP_WORDS

__all__ = ["example_questions"]

MAX_EXAMPLES = 3
_GENERIC = frozenset("""towards received invested including include includes provided support supported
delivery progress report plan update quarter year years item items page panel police crime commissioner
minutes meeting members member chairman chair noted""".split())


def _topics(texts: list[str], exclude: set[str]) -> list[str]:
    counts: Counter[str] = Counter()
    for text in texts:
        words = re.findall(r"[a-z]+", text.lower())
        pairs = {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)
                 if len(a) > 3 and len(b) > 3 and not {a, b} & (STOP_WORDS | _GENERIC | exclude)}
        counts.update(pairs)
    return [t for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if n >= 2]


def example_questions(index: SearchIndex) -> tuple[str, ...]:
    """A few questions the papers can answer, built from what they talk about most."""
    exclude = {w for b in index.bodies for w in b.lower().split()}
    years = Counter(d.date.year for d in index.documents.values() if d.date)
    fys = Counter(f.value for d in index.documents.values() for f in d.financial_years)
    texts = index.store.chunk_texts()
    money = _topics([t for t in texts if find_money(t)], exclude)
    general = [t for t in _topics(texts, exclude) if t not in money[:1]]
    out = []
    if money:
        year = f" in {years.most_common(1)[0][0]}" if years else ""
        out.append(f"what was funded for {money[0]}{year}")
    if general:
        out.append(f"what did the panel agree about {general[0]}")
    if len(general) > 1:
        fy = f" in {fys.most_common(1)[0][0]}" if fys else ""
        out.append(f"what was reported on {general[1]}{fy}")
    return tuple(out[:MAX_EXAMPLES])
