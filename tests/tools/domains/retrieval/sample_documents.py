"""Small documents of every format the document library reads, written by the tests themselves.

The PDF is made with pypdf: blank pages, each given a content stream that draws one line of
text in Helvetica, so pypdf's text extraction (which PyPDFLoader uses) reads it back.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

PAGE_ONE = "Quarterly report. Revenue grew in every region."
PAGE_TWO = "Appendix. The zeppelin hangar lease ends in March."
HTML = (
    "<html><head><title>Venue guide</title></head><body><h1>Venue guide</h1>"
    "<p>The rooftop terrace seats forty guests.</p></body></html>"
)
CSV = "city,airport\nLisbon,LIS\nReykjavik,KEF\n"
MARKDOWN = "# Travel policy\n\n## Rail\n\nTrains under four hours beat flights.\n"
TEXT = "Packing list: passport, charger, umbrella.\n"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF at ``path`` with one line of text per page."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for text in pages:
        page = writer.add_blank_page(width=612, height=792)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 720 Td ({_escape(text)}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
    with path.open("wb") as stream_out:
        writer.write(stream_out)
    return path


def write_library(folder: Path) -> Path:
    """``folder`` filled with a two-page PDF, an HTML page, a CSV, a Markdown and a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    write_pdf(folder / "report.pdf", [PAGE_ONE, PAGE_TWO])
    (folder / "guide.html").write_text(HTML, encoding="utf-8")
    (folder / "airports.csv").write_text(CSV, encoding="utf-8")
    (folder / "policy.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "notes").mkdir(exist_ok=True)
    (folder / "notes" / "packing.txt").write_text(TEXT, encoding="utf-8")
    return folder
