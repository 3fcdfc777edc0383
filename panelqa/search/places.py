"""Papers of the place a question names: "Derbyshire's panel", "in Gwent", "Knowsley Council".

A panel's papers carry their area in the body, the title or the file name; the text of one page often does
not ("the Panel agreed ..."). A place word is a word of a body's name ("Derbyshire" of "Derbyshire Police and
Crime Panel") that stands in the names of some papers but not of most of them (so "Police", "Panel" and
"Crime" are left out). A capitalised place word of the question marks the papers whose body, title or file
name holds it, and `ask` adds the passages from them as one more ranked list to its fusion: a preference,
never a filter. Other capitalised words (a department, a programme) are not places and mark nothing.
"""

from __future__ import annotations

import re
from collections import defaultdict

from panelqa.text.stopwords import STOP_WORDS

__all__ = ["place_documents", "name_words"]

MOST = 0.25  # a word in the names of more than this share of the papers says nothing about a place
_CAPITALISED = re.compile(r"\b[A-Z][a-zA-Z]{3,}\b")
_WORD = re.compile(r"[a-z]{4,}")


def name_words(documents: dict) -> dict[str, frozenset[str]]:
    """Place word (lower case) -> ids of the papers whose body, title or file name holds it."""
    places = {w for doc in documents.values() if doc.body for w in _WORD.findall(doc.body.value.lower())}
    holders: dict[str, set[str]] = defaultdict(set)
    for doc_id, doc in documents.items():
        names = " ".join(x for x in (doc.body.value if doc.body else "", doc.title.value if doc.title else "",
                                     doc.file_name) if x).lower()
        for word in set(_WORD.findall(names)) & places:
            holders[word].add(doc_id)
    return {w: frozenset(ids) for w, ids in holders.items()}


def place_documents(question: str, words: dict[str, frozenset[str]], total: int) -> frozenset[str]:
    """The papers named by the question's place words; empty when it names none."""
    found: set[str] = set()
    for token in _CAPITALISED.findall(question.replace("’", "'")):
        word = token.lower()
        ids = words.get(word)
        if word in STOP_WORDS or not ids or len(ids) > MOST * total:
            continue
        found |= ids
    return frozenset(found)
