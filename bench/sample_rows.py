"""Draw ledger and commitment rows at random and print each beside its page, so a person can check them.

The ledger and the commitments tracker are judged by reading rows against their pages (issue 13): is the
purpose the clause saying what the money is for, is the kind right, does a commitment stand on its own and
name the right owner. This script draws the rows (a stated seed, so a draw can be repeated), prints each with
its document, page and the page text around it, and, given a verdicts file, prints the tallies.

    python bench/sample_rows.py --index /tmp/rows-idx --seed 2026                # build nothing; print the draw
    python bench/sample_rows.py --build /tmp/rows-idx --seed 2026                # ingest the corpora first
    python bench/sample_rows.py --index /tmp/rows-idx --seed 2026 --verdicts v.json   # + tallies
    python bench/sample_rows.py --index /tmp/rows-idx --rows-from v.json --verdicts v2.json   # re-judge a past draw

Without --index or --build, the corpora are ingested into a temporary index. The verdicts file is JSON:

    {"ledger": {"<row_id>": {"purpose": true, "kind": true, "full": false, "why": "recipient missed"}},
     "commitments": {"<row_id>": {"self_contained": true, "owner": false, "why": "owner is the Panel"}}}

"full" (fully right) means amount, page, kind, recipient and purpose are all right. Rows of the draw with no
verdict yet are counted as unjudged. --template writes a verdicts file with every drawn row set to null.

A draw is tied to the index it was drawn from: once the rules change, a row's id changes with its text, and the
same seed draws other rows. --rows-from takes the rows a verdicts file names instead of a draw (those the index
still holds; the rest are listed as gone), so a past draw can be judged again after a change.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

CORPORA = (ROOT.parent / "shared" / "corpus-dev", ROOT.parent / "shared" / "corpus-council")
DEFAULT_ROWS = 40
CONTEXT_CHARS = 500  # page text printed either side of the row's words
LEDGER_CHECKS = ("purpose", "kind", "full")
COMMITMENT_CHECKS = ("self_contained", "owner")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, help="an index of the corpora to draw from (reused as it is)")
    parser.add_argument("--build", type=Path, help="ingest the corpora into this index first")
    parser.add_argument("--seed", type=int, help="the draw's seed; state it with the tallies")
    parser.add_argument("--rows-from", type=Path, help="judge the rows this verdicts file names, not a fresh draw")
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="rows drawn of each table")
    parser.add_argument("--verdicts", type=Path, help="a JSON file of verdicts per row_id: print the tallies")
    parser.add_argument("--template", type=Path, help="write a verdicts file for the drawn rows, all null")
    parser.add_argument("--short", action="store_true", help="one line per row, no page text")
    args = parser.parse_args()

    index = args.index or args.build
    if index is None or args.build:
        index = index or Path(tempfile.mkdtemp(prefix="sample-rows-"))
        build(index)
    if args.rows_from:
        ledger, commitments = named_rows(index, json.loads(args.rows_from.read_text()))
        args.seed = args.seed if args.seed is not None else json.loads(args.rows_from.read_text()).get("seed")
    elif args.seed is None:
        parser.error("--seed or --rows-from is required")
    else:
        ledger, commitments = draw(index, args.seed, args.rows)
    verdicts = json.loads(args.verdicts.read_text()) if args.verdicts and args.verdicts.exists() else {}
    show(index, ledger, commitments, verdicts, short=args.short)
    if args.template:
        template = {"seed": args.seed, "ledger": {r.row_id: None for r, _ in ledger},
                    "commitments": {r.row_id: None for r, _ in commitments}}
        args.template.write_text(json.dumps(template, indent=1) + "\n")
    if verdicts:
        print(tallies(args.seed, ledger, commitments, verdicts))


def build(index: Path) -> None:
    from panelqa.ingest.run import ingest_paths
    from panelqa.settings import Settings

    present = [c for c in CORPORA if c.exists()]
    report = ingest_paths(present, Settings.resolve(index))
    print(f"ingested {len(report.files)} files of {', '.join(map(str, present))} into {index}", file=sys.stderr)


def draw(index: Path, seed: int, n: int):
    """n rows of each table, drawn with the seed from the rows in row_id order (so the order read doesn't matter)."""
    from panelqa.ingest.store import Store

    with Store(index, read_only=True) as store:
        ledger = sorted(store.ledger_rows(), key=lambda r: r[0].row_id)
        commitments = sorted(store.commitment_rows(), key=lambda r: r[0].row_id)
    rng = random.Random(seed)
    return rng.sample(ledger, min(n, len(ledger))), rng.sample(commitments, min(n, len(commitments)))


def named_rows(index: Path, named: dict):
    """The rows a verdicts file names, in its order, that the index still holds; the others are printed as gone."""
    from panelqa.ingest.store import Store

    with Store(index, read_only=True) as store:
        by_id = {name: {r.row_id: (r, f) for r, f in rows} for name, rows in
                 (("ledger", store.ledger_rows()), ("commitments", store.commitment_rows()))}
    out = []
    for name in ("ledger", "commitments"):
        ids = list(named.get(name, {}))
        gone = [i for i in ids if i not in by_id[name]]
        if gone:
            print(f"{len(gone)} of the {len(ids)} {name} rows are gone: {', '.join(gone)}", file=sys.stderr)
        out.append([by_id[name][i] for i in ids if i in by_id[name]])
    return out[0], out[1]


def show(index: Path, ledger, commitments, verdicts: dict, short: bool = False) -> None:
    from panelqa.ingest.store import Store

    with Store(index, read_only=True) as store:
        for i, (row, file_name) in enumerate(ledger, 1):
            print(f"=== L{i:02d} {row.row_id}  {file_name}  p. {row.page}  {row.meeting_date or '-'}")
            print(f"    {row.amount_text} | kind {row.kind} ({row.flag or 'summed'}) | recipient {row.recipient} | "
                  f"funder {row.funder}")
            print(f"    purpose: {row.purpose}")
            if not short:
                print(f"    sentence: {row.sentence}")
                print(_around(store.page_text(row.doc_id, row.page), row.amount_text, row.sentence))
            _verdict(verdicts.get("ledger", {}).get(row.row_id))
        for i, (row, file_name) in enumerate(commitments, 1):
            print(f"=== C{i:02d} {row.row_id}  {file_name}  p. {row.page}  {row.meeting_date or '-'}")
            print(f"    {row.kind} | owner {row.owner} | speaker {row.speaker} | deadline {row.deadline} | "
                  f"marker {row.marker}")
            print(f"    text: {row.text}")
            if not short:
                print(_around(store.page_text(row.doc_id, row.page), row.text[:40], row.text))
            _verdict(verdicts.get("commitments", {}).get(row.row_id))


def _verdict(v: dict | None) -> None:
    if v:
        print("    verdict: " + ", ".join(f"{k}={'yes' if x else 'no'}" for k, x in v.items() if isinstance(x, bool))
              + (f" ({v['why']})" if v.get("why") else ""))


def _around(page: str, needle: str, fallback: str) -> str:
    """The page text around the row's words, as the page has it (lines kept, indented)."""
    flat = re.sub(r"\s+", " ", page)
    at = -1
    for probe in (needle, fallback[:40], fallback[:20]):
        probe = re.sub(r"\s+", " ", probe).strip()
        if probe and (at := flat.find(probe)) >= 0:
            break
    if at < 0:
        at = 0
    text = flat[max(0, at - CONTEXT_CHARS):at + CONTEXT_CHARS]
    return "    | " + "\n    | ".join(text[i:i + 110] for i in range(0, len(text), 110))


def tallies(seed: int, ledger, commitments, verdicts: dict) -> str:
    lines = [f"seed {seed}: {len(ledger)} ledger rows, {len(commitments)} commitment rows"]
    for name, rows, checks in (("ledger", ledger, LEDGER_CHECKS), ("commitments", commitments, COMMITMENT_CHECKS)):
        judged = [verdicts.get(name, {}).get(r.row_id) for r, _ in rows]
        done = [v for v in judged if v]
        parts = [f"{c} {sum(bool(v.get(c)) for v in done)}/{len(rows)}" for c in checks]
        lines.append(f"  {name}: " + ", ".join(parts) + f" ({len(rows) - len(done)} unjudged)")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
