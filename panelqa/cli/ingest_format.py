"""Plain-text and JSON formatting for the CLI; kept apart so the app and tests can reuse it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panelqa import BatchReport, FileReport, StoredDocument


def format_file_line(report: FileReport) -> str:
    if report.status in ("added", "updated"):
        line = f"{report.status:9} {report.path}   {report.pages} pages, {report.chunks} chunks, {report.seconds:.1f} s"
        if report.pages_without_text:
            line += f"; no text layer on pages {_pages(report.pages_without_text)} (scanned?)"
        return f"{line}   {report.reason}" if report.reason else line
    return f"{report.status:9} {report.path}   {report.reason}".rstrip()


def format_summary(batch: BatchReport) -> str:
    scanned = sum(len(f.pages_without_text) for f in batch.files)
    lines = [
        f"Indexed {batch.count('added') + batch.count('updated')} of {len(batch.files) - batch.count('pruned')} files "
        f"into {batch.index_dir}/ in {batch.elapsed_s:.1f} s: {batch.count('added')} added, "
        f"{batch.count('updated')} updated, {batch.count('unchanged')} unchanged, "
        f"{batch.count('duplicate')} duplicates, {batch.count('failed')} failed, {batch.count('pruned')} pruned.",
        f"{batch.pages} pages, {batch.chunks} chunks, {scanned} pages without a text layer.",
    ]
    failed = [f for f in batch.files if f.status == "failed"]
    if failed:
        lines.append("Failed files:")
        lines += [f"  {f.path}: {f.reason}" for f in failed]
    return "\n".join(lines)


def _pages(pages: tuple[int, ...]) -> str:
    return ", ".join(str(p) for p in pages[:12]) + (" ..." if len(pages) > 12 else "")


def document_json(stored: StoredDocument) -> dict:
    d = stored.document

    def val(f):
        return f.value if f else None

    def src(f):
        return f.source if f else None

    return {
        "source": d.source, "file_name": d.file_name, "doc_id": d.doc_id,
        "title": val(d.title), "body": val(d.body), "body_source": src(d.body),
        "doc_type": val(d.doc_type), "doc_type_source": src(d.doc_type),
        "date": val(d.meeting_date), "date_source": src(d.meeting_date),
        "financial_years": [f.value for f in d.financial_years], "agenda_item": val(d.agenda_item),
        "pages": d.page_count, "chunks": stored.chunk_count, "pages_without_text": list(d.pages_without_text),
        "files": list(stored.files),
    }


def format_document(stored: StoredDocument) -> str:
    j = document_json(stored)
    fys = ", ".join(j["financial_years"]) or "-"
    lines = [
        f"{j['source']}",
        f"  title: {j['title'] or '-'}",
        f"  body: {j['body'] or '-'}   type: {j['doc_type'] or '-'}   date: {j['date'] or '-'}"
        f"{' (' + j['date_source'] + ')' if j['date'] else ''}   financial years: {fys}",
        f"  pages: {j['pages']}   chunks: {j['chunks']}   pages without text: "
        f"{_pages(tuple(j['pages_without_text'])) if j['pages_without_text'] else 'none'}",
    ]
    if len(j["files"]) > 1:
        lines.append(f"  also as: {', '.join(j['files'][1:])}")
    return "\n".join(lines)
