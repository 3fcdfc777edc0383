"""Answer length and "not answered" calibration: the median answer in words on each question set, and both
error rates (an answer to a question the papers do not hold; "not answered" to one they do).

Words are counted without citation marks ("[2]"), since a member reads the sentences, not the marks.

Usage: python bench/answers.py QUESTIONS.jsonl INDEX [QUESTIONS.jsonl INDEX ...] [--unanswerable FILE --corpus NAME]
Example: python bench/answers.py ../shared/eval/pcp_dev_questions.jsonl /tmp/idx-pcp \
    --unanswerable bench/unanswerable_questions.jsonl --corpus pcp-dev
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

CITATION = re.compile(r"\[\d+\]")


def answer_words(text: str) -> int:
    return len(CITATION.sub(" ", text).split())


def run_set(questions: list[dict], index_dir: str) -> tuple[list[int], int]:
    """Word counts of the answers given, and how many questions got "not answered"."""
    from panelqa.search.api import ask
    from panelqa.search.index import open_index
    from panelqa.settings import Settings

    settings = Settings.resolve(index_dir)
    index = open_index(settings.index_dir, settings.model)
    words, unanswered = [], 0
    for q in questions:
        result = ask(index, q["question"])
        if result.found:
            words.append(answer_words(result.text))
        else:
            unanswered += 1
    return words, unanswered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="+", help="QUESTIONS.jsonl INDEX, repeated")
    parser.add_argument("--unanswerable", help="JSON Lines of questions the papers do not answer")
    parser.add_argument("--corpus", help="Which questions of --unanswerable to ask (its 'corpus' field)")
    args = parser.parse_args()
    from panelqa.search.evaluate import load_questions

    if len(args.pairs) % 2:
        parser.error("give QUESTIONS.jsonl INDEX pairs")
    for qfile, index_dir in zip(args.pairs[::2], args.pairs[1::2], strict=True):
        questions = load_questions(qfile)
        words, unanswered = run_set(questions, index_dir)
        median = statistics.median(words) if words else 0
        print(f"{qfile}: median answer {median:.0f} words (n={len(words)} answered); "
              f"'not answered' on answerable questions {unanswered}/{len(questions)} = "
              f"{unanswered / len(questions):.3f}")
        if args.unanswerable:
            extra = [q for q in load_questions(args.unanswerable) if q.get("corpus") == args.corpus]
            if extra:
                _, refused = run_set(extra, index_dir)
                wrong = len(extra) - refused
                print(f"{args.unanswerable} [{args.corpus}]: answered though unanswerable {wrong}/{len(extra)} = "
                      f"{wrong / len(extra):.3f}")


if __name__ == "__main__":
    main()
