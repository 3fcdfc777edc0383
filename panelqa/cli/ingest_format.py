"""Plain-text and JSON formatting for the CLI; kept apart so the app and tests can reuse it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from panelqa import BatchReport, FileReport, StoredDocument


def format_file_line(report: FileReport) -> str:
    if report.status in ("added", "updated"):
        line = f"{report.status:9} {report.path}   {report.pages} pages, {report.chunks} chunks, {report.seconds:.1f} s"
        read = [(page, o) for page, o in report.ocr if o.status == "read"]
        if read:
            cached = sum(1 for _, o in read if o.cached)
            line += (f"; OCR on pages {_pages(tuple(p for p, _ in read))} (confidence "
                     f"{_mean(o.confidence for _, o in read):.0f}%{f', {cached} from cache' if cached else ''})")
        faint = [(page, o) for page, o in report.ocr if o.status == "too_faint"]
        if faint:
            line += (f"; OCR confidence too low on pages {_pages(tuple(p for p, _ in faint))} "
                     f"({_mean(o.confidence for _, o in faint):.0f}%), not indexed")
        blank = tuple(page for page, o in report.ocr if o.status == "blank")
        if blank:
            line += f"; blank pages {_pages(blank)}"
        unread = tuple(p for p in report.pages_without_text if p not in {page for page, _ in faint} | set(blank))
        if unread:
            line += f"; no text layer on pages {_pages(unread)} (scanned?)"
        return f"{line}   {report.reason}" if report.reason else line
    return f"{report.status:9} {report.path}   {report.reason}".rstrip()


def format_summary(batch: BatchReport) -> str:
    blank = sum(1 for f in batch.files for _, o in f.ocr if o.status == "blank")
    scanned = sum(len(f.pages_without_text) for f in batch.files) - blank
    lines = [
        f"Indexed {batch.count('added') + batch.count('updated')} of {len(batch.files) - batch.count('pruned')} files "
        f"into {batch.index_dir}/ in {batch.elapsed_s:.1f} s: {batch.count('added')} added, "
        f"{batch.count('updated')} updated, {batch.count('unchanged')} unchanged, "
        f"{batch.count('duplicate')} duplicates, {batch.count('failed')} failed, {batch.count('skipped')} skipped, "
        f"{batch.count('pruned')} pruned.",
        f"{batch.pages} pages, {batch.chunks} chunks, {scanned} pages without text"
        + (f", {blank} blank pages." if blank else "."),
    ]
    if batch.set_aside:
        lines.append(f"The old index's files were set aside in {batch.set_aside}/.")
    if batch.repaired:
        lines.append(f"Rebuilt vectors.faiss and manifest.json from the database: {batch.repaired}.")
    lines += _ocr_summary(batch)
    failed = [f for f in batch.files if f.status == "failed"]
    if failed:
        lines.append("Failed files:")
        lines += [f"  {f.path}: {f.reason}" for f in failed]
    return "\n".join(lines)


def _ocr_summary(batch: BatchReport) -> list[str]:
    """The closing note on scanned pages: how many OCR read, their confidence and time, and what it could not."""
    pages = [(f.path, page, o) for f in batch.files for page, o in f.ocr]
    read = [o for _, _, o in pages if o.status == "read"]
    fresh = [o for o in read if not o.cached]
    lines = []
    if read:
        timing = (f", {sum(o.seconds for o in fresh) / len(fresh):.1f} s per page read by Tesseract ({len(fresh)})"
                  if fresh else "")
        lines.append(f"OCR: {len(read)} scanned pages indexed, mean word confidence "
                     f"{_mean(o.confidence for o in read):.0f}%{timing}, {len(read) - len(fresh)} from the cache.")
    faint = [(path, page, o) for path, page, o in pages if o.status == "too_faint"]
    if faint:
        lines.append(f"OCR confidence too low, not indexed: {len(faint)} pages ("
                     + "; ".join(f"{path} p. {page}, {o.confidence:.0f}%" for path, page, o in faint[:6])
                     + ("; ..." if len(faint) > 6 else "") + ").")
    if batch.ocr_missing_note:
        lines.append(batch.ocr_missing_note)
    return lines


def _mean(values) -> float:
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else 0.0


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
        "ocr_pages": [{"page": p, "confidence": c} for p, c in stored.ocr_pages], "files": list(stored.files),
        "published_version": d.published_version, "superseded": stored.superseded,
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
    if j["ocr_pages"]:
        lines.append(f"  read by OCR: pages {_pages(tuple(p['page'] for p in j['ocr_pages']))} (confidence "
                     + ", ".join(f"{p['confidence']:.0f}%" for p in j["ocr_pages"][:12]) + ")")
    if len(j["files"]) > 1:
        lines.append(f"  also as: {', '.join(j['files'][1:])}")
    if j["superseded"]:
        lines.append(f"  version {j['published_version']}, superseded: the publisher's site has a later version, "
                     "which answers, the ledger and the commitments cite instead")
    return "\n".join(lines)
