"""A real HTTP server on 127.0.0.1 that serves recorded modern.gov answers (tests/fixtures/moderngov) and the
pages and small PDFs written here, for the fetch and alerts tests; nothing leaves the machine."""

from __future__ import annotations

import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from pdfwriter import pdf_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "moderngov"


def _documents_page(meeting_id: int, heading: str, packs: list[str], items: list[tuple[str, str, str]]) -> bytes:
    """Written here, following the ieListDocuments.aspx structure in fixtures/moderngov/README.md (not a recording)."""
    pack_links = "".join(f'<li><a href="documents/g{meeting_id}/{name}?T=10">{name[:-4]}</a></li>' for name in packs)
    rows = "".join(
        f'<tr><td class="mgItemNumberCell">{number}</td><td><p class="mgAiTitleTxt">{title}</p>'
        f'<ul class="mgBulletList"><li><a href="{href}">{href.rsplit("/", 1)[-1][:-4]}'
        f' <span class="mgFileSize">PDF 1 KB</span></a></li></ul></td></tr>'
        for number, title, href in items)
    return (f'<html><body><div id="council-chrome">Menu</div><div id="modgov"><h2 class="mgSubTitleTxt">{heading}</h2>'
            f'<ul class="mgBulletList">{pack_links}</ul><table class="mgItemTable">{rows}</table></div>'
            "</body></html>").encode()


class Site:
    """Routes of the local server; tests change them between runs."""

    def __init__(self) -> None:
        self.routes: dict[str, object] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[tuple[float, int]] = []  # (time.monotonic(), client port) of each request
        self.lock = threading.Lock()

    def set(self, path: str, body: bytes, *, status: int = 200, ctype: str = "application/pdf",
            etag: str | None = None, last_modified: str | None = None, headers: dict[str, str] | None = None,
            delay_s: float = 0.0) -> None:
        """A route; with `etag` or `last_modified` it answers a matching conditional request with 304."""
        self.routes[path] = dict(body=body, status=status, ctype=ctype, etag=etag, last_modified=last_modified,
                                 headers=headers or {}, delay_s=delay_s)

    def count(self, prefix: str) -> int:
        return sum(1 for path, _ in self.requests if path.startswith(prefix))


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a council's server does: a client may reuse its connection

        def do_GET(self):  # noqa: N802 (http.server's name)
            path = unquote(self.path)
            with site.lock:
                site.requests.append((path, dict(self.headers)))
                site.arrivals.append((time.monotonic(), self.client_address[1]))
            route = site.routes.get(path) or site.routes.get(path.split("?", 1)[0])
            if callable(route):
                route = route(path, self.headers)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            time.sleep(route["delay_s"])
            if ((route["etag"] and self.headers.get("If-None-Match") == route["etag"])
                    or (route.get("last_modified") and self.headers.get("If-Modified-Since") == route["last_modified"])):
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(route["status"])
            self.send_header("Content-Type", route["ctype"])
            self.send_header("Content-Length", str(len(route["body"])))
            if route["etag"]:
                self.send_header("ETag", route["etag"])
            if route.get("last_modified"):
                self.send_header("Last-Modified", route["last_modified"])
            for name, value in route["headers"].items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(route["body"])
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args):
            pass

    return Handler


def _redirect_handler(target: str):
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(301)
            self.send_header("Location", target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Redirect


@contextmanager
def serve(handler, tls: ssl.SSLContext | None = None) -> Iterator[str]:
    """A real server on 127.0.0.1 in a thread; yields its root URL (https when given a TLS context)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def https_behind_redirect(site: Site, cert: Path, key: Path) -> Iterator[str]:
    """The site's routes over https, and an http server that redirects every request there; yields the http base."""
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    with serve(_handler(site), tls) as https_root, serve(_redirect_handler(https_root)) as http_root:
        yield http_root + "/mg/"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with openssl for this test run, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


@contextmanager
def audit_committee_site() -> Iterator[Site]:
    """A real HTTP server on 127.0.0.1 with the Audit Committee (id 144) of the recorded fixtures and two meetings.

    Conditional requests: the agenda frontsheet has an ETag, the internal audit plan a Last-Modified date,
    the reports pack and the knife crime report neither (content hashes decide)."""
    site = Site()
    with serve(_handler(site)) as root:
        site.base = root + "/mg/"
        add_audit_committee(site)
        yield site


def add_audit_committee(site: Site) -> None:
    xml = "text/xml; charset=utf-8"
    site.set("/robots.txt", b"User-agent: *\nDisallow: /mg/private/\n", ctype="text/plain")
    site.set("/mg/mgWebService.asmx/GetCommittees", (FIXTURES / "committees.xml").read_bytes(), ctype=xml)
    # The recorded GetMeetings answer is served whatever the dates: like servers that ignore the range.
    site.set("/mg/mgWebService.asmx/GetMeetings", (FIXTURES / "meetings.xml").read_bytes(), ctype=xml)
    site.set("/mg/ieListDocuments.aspx?CId=144&MId=4967&Ver=4", _documents_page(
        4967, "Audit Committee - Tuesday, 10th February, 2026 10.00 am",
        ["Agenda frontsheet 10th-Feb-2026 10.00 Audit Committee.pdf",
         "Public reports pack 10th-Feb-2026 10.00 Audit Committee.pdf"],
        [("5.", "Internal Audit Plan", "documents/s100/Internal audit plan.pdf"),
         ("6.", "Knife crime prevention fund", "documents/s101/Knife crime fund.pdf")]), ctype="text/html")
    site.set("/mg/ieListDocuments.aspx?CId=144&MId=4966&Ver=4", _documents_page(
        4966, "Audit Committee - Tuesday, 13th January, 2026 10.00 am CANCELLED", [], []), ctype="text/html")
    site.set("/mg/documents/g4967/Agenda frontsheet 10th-Feb-2026 10.00 Audit Committee.pdf",
             pdf_bytes(["Audit Committee agenda, 10 February 2026."]), etag='"front-1"')
    site.set("/mg/documents/g4967/Public reports pack 10th-Feb-2026 10.00 Audit Committee.pdf",
             pdf_bytes(["Audit Committee reports pack, 10 February 2026."]))  # no ETag: hashes decide
    site.set("/mg/documents/s100/Internal audit plan.pdf", pdf_bytes(["The internal audit plan for 2026/27."]),
             last_modified="Mon, 02 Feb 2026 09:00:00 GMT")
    site.set("/mg/documents/s101/Knife crime fund.pdf",
             pdf_bytes(["Item 6. The Committee noted £40,000 for knife crime prevention in schools."]))


def publish_version_2(site: Site) -> None:
    """The knife crime report changes on the site, as a corrected paper does."""
    site.set("/mg/documents/s101/Knife crime fund.pdf",
             pdf_bytes(["Item 6. The Committee noted £45,000 for knife crime prevention in schools."]))


# python tests/moderngov_site.py: the same site by hand, for a demo run. `kill -USR1` publishes version 2 of the
# knife crime report; Ctrl-C stops it.
if __name__ == "__main__":
    import signal
    import sys

    with audit_committee_site() as demo:
        signal.signal(signal.SIGUSR1, lambda *_: publish_version_2(demo))
        print(demo.base, flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            sys.exit(0)
