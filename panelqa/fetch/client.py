"""One polite HTTP connection per site: honest user agent, robots.txt, a pause between requests, no retries on a block."""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from panelqa.errors import PanelqaError

log = logging.getLogger(__name__)

DEFAULT_DELAY_S = 2.0        # at least this long between two requests to one host
DEFAULT_TIMEOUT_S = 30.0     # connect and read time-out of one request
DEFAULT_MAX_RETRIES = 3      # attempts after a 429/503 before the URL is reported as failed
DEFAULT_MAX_WAIT_S = 300.0   # the longest Retry-After obeyed; longer ones fail the URL
CHALLENGE_MARKERS = ("cf-chl", "just a moment...", "captcha", "challenge-platform", "access denied")


class SiteRefused(PanelqaError):
    """The site answered with 403 or a challenge page: stop asking it."""


class RobotsDisallowed(PanelqaError):
    """robots.txt of the site disallows this URL for our user agent."""


def user_agent(contact: str) -> str:
    """Name the product, its version and the person to contact, so a site can reach us rather than block us."""
    try:
        ver = version("panelqa")
    except PackageNotFoundError:
        ver = "0"
    return f"panelqa/{ver} (+{contact})" if contact else f"panelqa/{ver}"


class PoliteClient:
    """A requests session with one pooled connection, TLS verification on, and a minimum gap between requests."""

    def __init__(self, contact: str, *, delay_s: float = DEFAULT_DELAY_S, timeout_s: float = DEFAULT_TIMEOUT_S,
                 max_retries: int = DEFAULT_MAX_RETRIES, max_wait_s: float = DEFAULT_MAX_WAIT_S) -> None:
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.max_wait_s = max_wait_s
        self.session = requests.Session()
        self.session.verify = True
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=1, max_retries=0, pool_block=True)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = user_agent(contact)
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self.requests_sent = 0

    def close(self) -> None:
        self.session.close()

    def _pause(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            wait = self.delay_s - (time.monotonic() - last)
            if wait > 0:
                time.sleep(wait)
        self._last_request[host] = time.monotonic()

    def _send(self, url: str, headers: dict[str, str] | None) -> requests.Response:
        host = urlsplit(url).netloc
        self._pause(host)
        self.requests_sent += 1
        return self.session.get(url, headers=headers or {}, timeout=self.timeout_s, allow_redirects=True)

    def allowed(self, url: str) -> bool:
        """robots.txt decides; a missing robots.txt allows everything, a 401/403 on it disallows everything."""
        parts = urlsplit(url)
        root = f"{parts.scheme}://{parts.netloc}"
        parser = self._robots.get(root)
        if parser is None:
            parser = urllib.robotparser.RobotFileParser(root + "/robots.txt")
            try:
                response = self._send(root + "/robots.txt", None)
            except requests.RequestException:
                response = None
            if response is None or response.status_code >= 500 or response.status_code == 404:
                parser.parse([])
            elif response.status_code in (401, 403):
                parser.disallow_all = True
            else:
                parser.parse(response.text.splitlines())
            self._robots[root] = parser
        return parser.can_fetch(self.session.headers["User-Agent"], url)

    def get(self, url: str, headers: dict[str, str] | None = None) -> requests.Response:
        """GET url politely; raises SiteRefused on 403 or a challenge page, waits out 429/503 up to max_retries."""
        if not self.allowed(url):
            raise RobotsDisallowed(f"robots.txt of {urlsplit(url).netloc} disallows {url}; it was not fetched.")
        for attempt in range(self.max_retries + 1):
            response = self._send(url, headers)
            if response.status_code == 403 or _is_challenge(response):
                raise SiteRefused(f"{urlsplit(url).netloc} refused {url} (HTTP {response.status_code}"
                                  f"{', a challenge page' if response.status_code != 403 else ''}).")
            if response.status_code not in (429, 503) or attempt == self.max_retries:
                return response
            wait = _retry_after_s(response, default=self.delay_s * 2 ** (attempt + 1))
            if wait > self.max_wait_s:
                return response
            log.info("%s answered %s; waiting %.1f s", url, response.status_code, wait)
            time.sleep(wait)
        return response


def _retry_after_s(response: requests.Response, default: float) -> float:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return float(value)
    if value:
        from email.utils import parsedate_to_datetime
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return default


def _is_challenge(response: requests.Response) -> bool:
    """A bot challenge often comes as 200 or 503 HTML; PDFs and XML are never challenges."""
    if "html" not in response.headers.get("Content-Type", ""):
        return False
    head = response.text[:4000].lower()
    return any(marker in head for marker in CHALLENGE_MARKERS) and "mgwebservice" not in head and "modgov" not in head
