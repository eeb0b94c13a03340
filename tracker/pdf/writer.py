"""Print documents (the progress report, the printed plan) as tagged PDF: WeasyPrint's PDF/UA-1 writer, the
tracker's own files only, and the structure tree finished by tracker.pdf.tags."""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from tracker.pdf.tags import finish_tags

# Links in the document are resolved against this made-up origin and served from the static folder:
# rendering never reaches the network or any other file.
ORIGIN = "tracker.invalid"
BASE_URL = f"https://{ORIGIN}/"
# WeasyPrint logs every layout step at INFO; a report is one line in the request log, not forty.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class StaticFilesOnly(URLFetcher):
    """Serves the tracker's own static files to WeasyPrint and refuses everything else."""

    def __init__(self, static_folder: Path, static_url_path: str) -> None:
        super().__init__(allowed_protocols=("https",))
        self.static_folder = static_folder.resolve()
        self.prefix = static_url_path.rstrip("/") + "/"

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "https" and parts.netloc == ORIGIN and parts.path.startswith(self.prefix):
            target = (self.static_folder / parts.path.removeprefix(self.prefix)).resolve()
            if target.is_relative_to(self.static_folder) and target.is_file():
                content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, target.read_bytes(), {"Content-Type": content_type})
        raise FatalURLFetchingError(f"A printed document may only use the tracker's own files, not {url}")


def write_tagged_pdf(document: str) -> bytes:
    """A print document (the report, the plan) as a tagged PDF (PDF/UA-1), using only the tracker's own files."""
    fetcher = StaticFilesOnly(Path(current_app.static_folder or "."), current_app.static_url_path or "")
    pdf = HTML(string=document, base_url=BASE_URL, url_fetcher=fetcher)
    return pdf.write_pdf(pdf_variant="pdf/ua-1", finisher=finish_tags)
