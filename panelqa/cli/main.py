"""The panelqa command: thin wrappers that parse options, call the facade and format the result.

Commands import `panelqa.api` (the facade's functions) inside their bodies, so `panelqa --help` loads
neither numpy nor the model. `panelqa.api` rather than `panelqa.ingest`/`panelqa.search`: once a
subpackage of that name is imported, Python binds the package attribute to it.
"""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import replace

import click

from panelqa.cli.alert_commands import alerts
from panelqa.cli.fetch_commands import fetch
from panelqa.errors import PanelqaError
from panelqa.settings import Settings
from panelqa.vocab import DOC_TYPES

YEAR_MIN, YEAR_MAX = 1900, 2100  # papers of public bodies; "--year 99999" is a typing slip, said as such
INDEX_HELP = "Index folder (default: $PANELQA_INDEX or index/)."
MODEL_HELP = "Embedding model name or local folder (default: $PANELQA_MODEL or all-MiniLM-L6-v2)."


class PanelqaGroup(click.Group):
    """Turns library errors into one 'Error:' line and exit code 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except PanelqaError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=PanelqaGroup)
@click.version_option(package_name="panelqa")
def cli() -> None:
    """Search and cited answers over Police and Crime Panel papers."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


cli.add_command(fetch)
cli.add_command(alerts)


@cli.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--year", type=click.IntRange(YEAR_MIN, YEAR_MAX),
              help="Papers dated in this year (or, undated, covering an overlapping FY).")
@click.option("--search", "search_text", help="Rows matching these words or this meaning.")
@click.option("--recipient", help="Rows whose recipient contains this text.")
@click.option("--group-by", type=click.Choice(["recipient", "section"]), help="Group rows; a total for each.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per row.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def funding(index_dir, year, search_text, recipient, group_by, as_json, as_csv) -> None:
    """List amounts of money stated in the papers, with recipient, purpose, page and total.

    Example: panelqa funding --year 2018 --search "knife" --group-by recipient
    """
    from panelqa import api
    from panelqa.cli.report_format import format_funding, rows_csv, rows_json

    rows = api.funding(index_dir, year=year, search=search_text, recipient=recipient)
    _emit(rows, as_json, as_csv, lambda: format_funding(rows, group_by=group_by), rows_json, rows_csv)


@cli.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--owner", help="Only commitments owned or said by this role, e.g. PCC or \"Deputy PCC\".")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Only papers dated on or after YYYY-MM-DD.")
@click.option("--search", "search_text", help="Commitments matching these words or this meaning.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per commitment.")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
def commitments(index_dir, owner, since, search_text, as_json, as_csv) -> None:
    """List actions, resolutions, undertakings and deadlines, with possible follow-ups in later papers.

    Example: panelqa commitments --owner PCC --since 2018-01-01
    """
    from panelqa import api
    from panelqa.cli.report_format import format_commitments, rows_csv, rows_json

    rows = api.commitments(index_dir, owner=owner, since=since.date() if since else None, search=search_text)
    _emit(rows, as_json, as_csv, lambda: format_commitments(rows), rows_json, rows_csv)


def _emit(rows, as_json: bool, as_csv: bool, plain, to_json, to_csv) -> None:
    if as_json and as_csv:
        raise click.UsageError("Choose one of --json and --csv.")
    if as_json:
        for line in to_json(rows):
            click.echo(line)
    elif as_csv:
        click.echo(to_csv(rows), nl=False)
    else:
        click.echo(plain())


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--model", help=MODEL_HELP)
@click.option("--prune", is_flag=True, help="Remove documents whose files are gone.")
@click.option("--workers", type=int, default=None, help="Parallel file readers (default: cores, at most 4).")
@click.option("--rebuild", is_flag=True,
              help="Set the index's files aside (a damaged database) and build it again from these papers.")
def ingest(paths: tuple[str, ...], index_dir: str | None, model: str | None, prune: bool,
           workers: int | None, rebuild: bool) -> None:
    """Index PDF files and folders (recursively); unchanged files are skipped.

    Example: panelqa ingest corpus/ --index index/
    """
    from panelqa import api
    from panelqa.cli.ingest_format import format_file_line, format_summary

    files = api.find_pdfs(paths)
    with click.progressbar(length=len(files), label="Ingesting", file=sys.stderr, show_pos=True,
                           item_show_func=lambda r: r.path if r else "") as bar:

        def on_file(report) -> None:
            if report.status not in ("pruned", "skipped"):  # the bar counts the regular files found
                bar.update(1, report)
            if report.status != "unchanged":
                click.echo(format_file_line(report))

        result = api.ingest(paths, index_dir, model=model, prune=prune, on_file=on_file, workers=workers,
                            rebuild=rebuild, on_wait=lambda message: click.echo(message, err=True))
    click.echo("", err=True)
    click.echo(format_summary(result))


@cli.command()
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document.")
def docs(index_dir: str | None, as_json: bool) -> None:
    """List indexed documents with body, type, date, financial years, pages and chunks.

    Example: panelqa docs --index index/
    """
    from panelqa import api
    from panelqa.cli.ingest_format import document_json, format_document

    settings = Settings.resolve(index_dir)
    documents = api.documents(settings.index_dir)
    if not documents:
        click.echo(f"No documents in {settings.index_dir}/; add some with: panelqa ingest corpus/")
    for stored in documents:
        click.echo(json.dumps(document_json(stored)) if as_json else format_document(stored))


def _filters(year, since, until, doc_type):
    from datetime import date

    from panelqa.search.records import Filters

    def day(value: str | None, name: str):
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise click.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD.", param_hint=name) from exc

    return Filters(year=year, since=day(since, "--since"), until=day(until, "--until"),
                   doc_types=(doc_type,) if doc_type else ())




@cli.command()
@click.argument("question", required=False)
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--model", help=MODEL_HELP)
@click.option("--top-k", default=5, show_default=True, help="Passages to return.")
@click.option("--year", type=click.IntRange(YEAR_MIN, YEAR_MAX),
              help="Only papers dated in this year or covering an overlapping financial year.")
@click.option("--since", help="Only papers dated on or after YYYY-MM-DD.")
@click.option("--until", help="Only papers dated on or before YYYY-MM-DD.")
@click.option("--type", "doc_type", type=click.Choice(DOC_TYPES), help="Only papers of this type.")
@click.option("--item", help="Only passages of this agenda item: its number (7) or words of its title (precept).")
@click.option("--batch", type=click.File("r"), help="JSONL file of {\"id\", \"question\"} lines; one answer each.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as one JSON object (per line).")
def ask(question, index_dir, model, top_k, year, since, until, doc_type, item, batch, as_json) -> None:
    """Answer QUESTION from the indexed papers, citing document, date and page.

    Example: panelqa ask "what was funded for knife crime in 2018"
    """
    from panelqa import api
    from panelqa.cli.answer_format import format_answer

    if not question and not batch:
        raise click.UsageError("Give a QUESTION, or --batch FILE.")
    index = api.open_index(index_dir, model)  # loaded once for every question of a batch
    index.load_model_soon()  # beside the rest of the first question's work
    filters = replace(_filters(year, since, until, doc_type), item=item or None)
    questions = [(None, question)] if question else _read_batch(batch)
    for qid, text in questions:
        result = api.ask(text, index=index, top_k=top_k, filters=filters, question_id=qid)
        click.echo(result.dumps() if as_json else format_answer(result))


def _read_batch(handle) -> list[tuple[str | None, str]]:
    items = []
    for n, line in enumerate(handle, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            question = record["question"]
            if not isinstance(question, str) or not question.strip():
                raise ValueError("the question is not text")
            items.append((record.get("id"), question))
        except (ValueError, KeyError, AttributeError, TypeError) as exc:
            raise PanelqaError(f"{handle.name}, line {n}: expected {{\"id\": ..., \"question\": ...}}; "
                               "fix that line.") from exc
    return items


@cli.command()
@click.argument("matter")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--model", help=MODEL_HELP)
@click.option("--since", help="Only papers dated on or after YYYY-MM-DD.")
@click.option("--until", help="Only papers dated on or before YYYY-MM-DD.")
@click.option("--body", help="Only papers of this body (as `panelqa docs` names it).")
@click.option("--json", "as_json", is_flag=True, help="Print the timeline as one JSON object.")
def timeline(matter, index_dir, model, since, until, body, as_json) -> None:
    """Every meeting where MATTER came up, oldest first: date, paper, page and the sentence.

    Example: panelqa timeline "Buddi tags" --since 2018-01-01
    """
    from panelqa import api
    from panelqa.cli.timeline_format import format_timeline

    filters = _filters(None, since, until, None)
    result = api.timeline(matter, index_dir, since=filters.since, until=filters.until, body=body, model=model)
    click.echo(json.dumps(result.to_dict(), ensure_ascii=False) if as_json else format_timeline(result))


@cli.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--model", help=MODEL_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--out", type=click.Path(dir_okay=False), help="Also write passages and answers per question here.")
def evaluate(questions, index_dir, model, as_json, out) -> None:
    """Score answers against questions with gold pages: hit@1, hit@5, mrr@10, snip@5, ans.

    Example: panelqa eval ../shared/eval/seed_questions.jsonl --index index/
    """
    from panelqa import api
    from panelqa.cli.eval_format import format_table

    result = api.evaluate(questions, index_dir, model=model)
    if out:
        with open(out, "w", encoding="utf-8") as fh:
            json.dump({"passages": result.passages, "answers": result.answers, "per_question": result.per_question,
                       "table": result.table}, fh)
    click.echo(json.dumps(result.table) if as_json else format_table(result))


def main() -> None:
    cli(prog_name="panelqa")


if __name__ == "__main__":
    main()
