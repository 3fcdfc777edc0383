"""Porter stems exactly as the index's FTS5 tokenizer makes them, by asking SQLite itself."""

from __future__ import annotations

import sqlite3
import threading
from functools import lru_cache

_conn = sqlite3.connect(":memory:", check_same_thread=False)
_conn.executescript("""
    CREATE VIRTUAL TABLE s USING fts5(x, tokenize = 'porter unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE v USING fts5vocab(s, 'instance');
""")
_lock = threading.Lock()


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    stems = stems_of(word)
    return stems[0] if stems else word.lower()


def stems_of(text: str) -> list[str]:
    """The stemmed tokens of text, in order."""
    with _lock:
        _conn.execute("DELETE FROM s")
        _conn.execute("INSERT INTO s(rowid, x) VALUES (1, ?)", (text,))
        rows = _conn.execute("SELECT term FROM v ORDER BY offset").fetchall()
    return [r[0] for r in rows]
