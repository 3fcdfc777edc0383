"""The score table `panelqa eval` prints."""

from __future__ import annotations

from panelqa.search.records import Evaluation

__all__ = ["format_table"]


def format_table(result: Evaluation) -> str:
    """One line per kind of question ("all" first): the count, then each metric."""
    table = result.table
    lines = [f"{'kind':11} {'n':>3} " + " ".join(f"{c:>7}" for c in result.metrics)]
    for kind in ["all", *sorted(k for k in table if k != "all")]:
        row = table[kind]
        lines.append(f"{kind:11} {row['n']:>3} " + " ".join(
            f"{row[c]:>7.3f}" if c in row else f"{'-':>7}" for c in result.metrics))
    return "\n".join(lines)
