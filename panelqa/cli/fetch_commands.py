"""`panelqa fetch`: bring a committee's papers in from its modern.gov site."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

FETCH_DELAY_ENV = "PANELQA_FETCH_DELAY"
CONTACT_ENV = "PANELQA_CONTACT"


@click.command()
@click.option("--site", required=True, help="Base URL of the modern.gov site, e.g. https://democracy.example.gov.uk")
@click.option("--committee", help="Title (or part of it) of the committee, e.g. \"Police and Crime Panel\".")
@click.option("--committee-id", type=int, help="The committee's id (CId= in its pages), when the title is not enough.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or after YYYY-MM-DD.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Meetings on or before YYYY-MM-DD.")
@click.option("--out", "out_dir", default="papers", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the papers (one folder per meeting) and manifest.jsonl.")
@click.option("--index", "index_dir", type=click.Path(file_okay=False), help="Also ingest what was fetched into this index.")
@click.option("--contact", help=f"Email or URL named in the user agent (default: ${CONTACT_ENV}).")
@click.option("--delay", type=float, help=f"Seconds between requests (default: ${FETCH_DELAY_ENV} or 2).")
@click.option("--include-expired", is_flag=True, help="Also match committees marked expired or deleted.")
def fetch(site, committee, committee_id, since, until, out_dir, index_dir, contact, delay, include_expired) -> None:
    """Download a committee's meeting papers from its modern.gov site, politely and incrementally.

    Example: panelqa fetch --site https://democracy.example.gov.uk --committee "Police and Crime Panel" --since 2018-01-01
    """
    from panelqa import PoliteClient, fetch_committee

    if not committee and committee_id is None:
        raise click.UsageError("Give --committee TITLE or --committee-id ID.")
    contact = contact or os.environ.get(CONTACT_ENV, "")
    if not contact:
        click.echo(f"warning: no contact set; pass --contact or set ${CONTACT_ENV} so the site can reach you.", err=True)
    if delay is None and os.environ.get(FETCH_DELAY_ENV):
        delay = float(os.environ[FETCH_DELAY_ENV])
    client = PoliteClient(contact) if delay is None else PoliteClient(contact, delay_s=delay)
    started = time.monotonic()
    progress = _Progress() if sys.stderr.isatty() else None
    try:
        report = fetch_committee(site, Path(out_dir), client, committee=committee, committee_id=committee_id,
                                 since=since.date() if since else None, until=until.date() if until else None,
                                 include_expired=include_expired, on_meeting=progress,
                                 on_document=None if progress else
                                 lambda outcome, url: click.echo(f"{outcome:9} {url}", err=True))
    finally:
        client.close()
        if progress:
            progress.close()
    for problem in report.problems:
        click.echo(f"problem  {problem.url}   {problem.reason}")
    for entry in report.stored:
        click.echo(f"stored   {Path(out_dir) / entry.path}   {entry.meeting_date} {entry.kind} v{entry.version}")
    click.echo(f"{report.committee or site}: {report.summary()} {time.monotonic() - started:.1f} s")
    if report.refused:
        pages = "\n".join(f"  {url}" for url in report.unfetched_meetings)
        raise click.ClickException(f"{report.refused} Stopped asking this site; download these meetings by hand:\n{pages}")
    if index_dir:
        from panelqa.cli.main import ingest as ingest_command  # the same ingest as `panelqa ingest OUT`
        click.get_current_context().invoke(ingest_command, paths=(out_dir,), index_dir=index_dir, model=None,
                                           prune=False, workers=None)


class _Progress:
    """A progress bar over the meetings on a terminal; piped, each document is a line on stderr instead."""

    def __init__(self) -> None:
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label="meetings", show_pos=True, file=sys.stderr)
            self.bar.render_progress()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
