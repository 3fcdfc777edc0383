"""`panelqa alerts`: saved searches stored in the index, run over the papers added since their last run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

INDEX_HELP = "Index folder (default: $PANELQA_INDEX or index/)."
DOC_TYPES = ["report", "minutes", "agenda", "action_log", "letter", "terms_of_reference", "other"]


@click.group()
def alerts() -> None:
    """Saved searches, stored in the index, that report what new papers say about them.

    Example: panelqa alerts add "knife crime" --type minutes
    """


@alerts.command(name="add")
@click.argument("query")
@click.option("--name", help="Name of the saved search (default: the query).")
@click.option("--type", "doc_type", type=click.Choice(DOC_TYPES), help="Only papers of this type.")
@click.option("--body", help="Only papers of a body whose name contains this, e.g. \"Police and Crime Panel\".")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
def alerts_add(query, name, doc_type, body, index_dir) -> None:
    """Save QUERY; `alerts run` then reports the papers ingested from now on that answer it.

    Example: panelqa alerts add "knife crime" --name knives --type minutes
    """
    from panelqa import add_alert

    alert = add_alert(query, index_dir, name=name, doc_type=doc_type, body=body)
    click.echo(f"Saved {alert.name!r}: {alert.query}")


@alerts.command(name="list")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per saved search.")
def alerts_list(index_dir, as_json) -> None:
    """List the saved searches: name, query, type, body, last run.

    Example: panelqa alerts list --json
    """
    from panelqa import list_alerts
    from panelqa.cli.alert_format import format_time

    found = list_alerts(index_dir)
    if not found and not as_json:
        click.echo('No saved searches; add one with panelqa alerts add "knife crime".')
    for alert in found:
        if as_json:
            click.echo(json.dumps(asdict(alert), ensure_ascii=False))
        else:
            last = format_time(alert.last_run_at) if alert.last_run_at else "never run"
            click.echo("\t".join((alert.name, alert.query, alert.doc_type or "-", alert.body or "-", last)))


@alerts.command(name="remove")
@click.argument("name")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
def alerts_remove(name, index_dir) -> None:
    """Remove the saved search NAME.

    Example: panelqa alerts remove knives
    """
    from panelqa import remove_alert

    remove_alert(name, index_dir)
    click.echo(f"Removed {name!r}.")


@alerts.command(name="run")
@click.option("--since", default="last", show_default=True,
              help="'last': papers ingested since each search last ran; or YYYY-MM-DD: since that day (a look back).")
@click.option("--markdown", "markdown_path", type=click.Path(dir_okay=False), help="Also write the digest to this file.")
@click.option("--atom", "atom_path", type=click.Path(dir_okay=False),
              help="Add the new passages to this Atom feed (created if missing).")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help=INDEX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per saved search instead of the digest.")
def alerts_run(since, markdown_path, atom_path, index_dir, as_json) -> None:
    """Show, for each saved search, the cited passages of the papers ingested since it last ran.

    Example: panelqa alerts run --markdown digest.md --atom alerts.xml
    """
    from datetime import date

    from panelqa import run_alerts
    from panelqa.cli.alert_format import atom_feed, markdown_digest

    cutoff = None
    if since != "last":
        try:
            cutoff = date.fromisoformat(since)
        except ValueError as exc:
            raise click.BadParameter(f"{since!r} is neither 'last' nor a date YYYY-MM-DD.",
                                     param_hint="--since") from exc
    results = run_alerts(index_dir, since=cutoff)
    digest = markdown_digest(results, looked_back=cutoff is not None)
    if as_json:
        for r in results:
            click.echo(json.dumps({**asdict(r.alert), "since": r.since, "new_documents": r.new_documents,
                                   "passages": [p.to_json() for p in r.passages]}, ensure_ascii=False))
    else:
        click.echo(digest, nl=False)
    if markdown_path:
        Path(markdown_path).write_text(digest, encoding="utf-8")
    if atom_path:
        path = Path(atom_path)
        path.write_bytes(atom_feed(results, path.read_bytes() if path.exists() else None))
