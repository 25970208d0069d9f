"""The Word reports as LibreOffice lays them out: page count, column widths, no word broken across lines, and the
first page as an image (title band in the brand colour, not blank, the summary on it).

Every shipped example's report (built-in template, full layout, no appendix) and the firm's branded template are
converted to PDF with ``soffice --headless --convert-to pdf`` in one run; ``pdftotext`` and ``pdftoppm`` (poppler)
read the PDFs. Skipped when LibreOffice or poppler is not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from functools import cache
from pathlib import Path

import pytest
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.report import build_context, render
from mlops_maturity.engine.session import Session

from tests.conftest import EXAMPLES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
pytestmark = pytest.mark.skipif(not (SOFFICE and POPPLER), reason="LibreOffice (soffice) or poppler-utils "
                                "(pdftotext, pdftoppm) is not installed")

STEMS = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
NORTHWIND = EXAMPLES / "templates" / "northwind-word"
MAX_PAGES = 12
BUILTIN_ACCENT = (0x31, 0x36, 0x95)
NORTHWIND_ACCENT = (0x0B, 0x6E, 0x4F)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TWIPS_PER_MM = 1440 / 25.4


@cache
def _context(stem: str, layout: str = "full", appendix: bool = False):  # type: ignore[no-untyped-def]
    kb = load_knowledge_base()
    session = Session(kb, load_fact_file(EXAMPLES / f"{stem}.yaml", kb), evaluator="reference")
    return build_context(session, layout=layout, appendix=appendix)  # type: ignore[arg-type]


DOCUMENTS: dict[str, tuple[str, str, str, bool]] = {
    **{stem: (stem, "docx", "full", False) for stem in STEMS},
    "northwind-word": ("enterprise-near-l3", str(NORTHWIND), "full", False),
    "one-pager": ("regulated-bank", "docx", "one-pager", False),
    "appendix": ("regulated-bank", "docx", "full", True),
}
"""Name -> (example, template, layout, appendix)."""


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[bytes, Path]]:
    """Name -> (the .docx bytes, its PDF), converted in one LibreOffice run."""
    root = tmp_path_factory.mktemp("office")
    docs: dict[str, bytes] = {}
    for name, (stem, template, layout, appendix) in DOCUMENTS.items():
        spec = template if template == "docx" else Path(template)
        docs[name] = render(_context(stem, layout, appendix), spec).content
        (root / f"{name}.docx").write_bytes(docs[name])
    assert SOFFICE is not None
    subprocess.run([SOFFICE, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(root), *sorted(str(root / f"{n}.docx") for n in docs)],
                   check=True, capture_output=True, timeout=300)
    return {name: (content, root / f"{name}.pdf") for name, content in docs.items()}


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    assert match, info
    return int(match.group(1))


def _pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    pages = ([f"-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def _pdf_words(pdf: Path) -> set[str]:
    """The words as printed, one per box (``pdftotext -tsv``: no joining of a line-end hyphen with the next line,
    which the plain text output does), split into word characters like :func:`_words`."""
    tsv = subprocess.run(["pdftotext", "-tsv", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    printed = [line.split("\t")[-1] for line in tsv.splitlines()[1:] if line.startswith("5\t")]
    return _words(" ".join(printed))


def _docx_text(content: bytes) -> str:
    """Every text run of the document, its header and footer (what LibreOffice can lay out)."""
    archive = zipfile.ZipFile(io.BytesIO(content))
    parts = [n for n in archive.namelist() if re.fullmatch(r"word/(document|footer\d*|header\d*)\.xml", n)]
    text = []
    for part in parts:
        xml = archive.read(part).decode("utf-8")
        text += [re.sub(r"&amp;", "&", t) for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml)]
    return " ".join(text)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", text)))


@pytest.mark.parametrize("name", [*STEMS, "northwind-word"])
def test_word_report_fits_in_twelve_pages_without_the_appendix(office: dict[str, tuple[bytes, Path]],
                                                               name: str) -> None:
    pages = _pages(office[name][1])
    assert 1 <= pages <= MAX_PAGES, f"{name}: {pages} pages"


def test_one_pager_is_short_and_the_appendix_only_comes_when_asked(office: dict[str, tuple[bytes, Path]]) -> None:
    assert _pages(office["one-pager"][1]) == 1  # the executive one-pager is one page
    assert _pages(office["appendix"][1]) > _pages(office["regulated-bank"][1])
    with_appendix = _pdf_text(office["appendix"][1])
    assert "Crosswalk: the models against CMMI" in with_appendix and "Evidence per practice" in with_appendix
    for name in (*STEMS, "one-pager"):
        text = _pdf_text(office[name][1])
        assert "Crosswalk" not in text and "Evidence per practice" not in text, name


@pytest.mark.parametrize("name", [*STEMS, "northwind-word", "one-pager", "appendix"])
def test_no_word_is_broken_across_lines(office: dict[str, tuple[bytes, Path]], name: str) -> None:
    """Every word LibreOffice printed is a word of the document: a word split inside a narrow column would show
    up as two fragments ("Organizationa", "l") that the document does not contain."""
    content, pdf = office[name]
    source = _words(_docx_text(content))
    printed = _pdf_words(pdf)
    fragments = sorted(w for w in printed - source if not w.isdigit())
    assert fragments == [], f"{name}: words broken across lines (or not from the document): {fragments[:20]}"


def test_the_control_shows_that_broken_words_are_caught(tmp_path: Path) -> None:
    """A table column narrower than its word: LibreOffice breaks it, and the check above sees the fragments."""
    from docx import Document
    from docx.shared import Mm

    document = Document()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for column, cell, width, text in zip(table.columns, table.rows[0].cells, (Mm(12), Mm(150)),
                                         ("Organizational", "x"), strict=True):
        column.width = cell.width = width
        cell.text = text
    path = tmp_path / "narrow.docx"
    document.save(str(path))
    assert SOFFICE is not None
    subprocess.run([SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True,
                   timeout=300)
    printed = _pdf_words(tmp_path / "narrow.pdf")
    assert printed - _words("Organizational x"), printed


def _grid(table: object) -> list[int]:
    return [int(col.get(f"{W}w")) for col in table.iter(f"{W}gridCol")]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["enterprise-near-l3", "northwind-word", "appendix"])
def test_tables_have_a_width_per_column_and_the_id_column_fits_its_longest_word(
        office: dict[str, tuple[bytes, Path]], name: str) -> None:
    from docx import Document

    document = Document(io.BytesIO(office[name][0]))
    tables = [t for t in document.tables if len(t.columns) >= 3 and len(t.rows) >= 2]  # not the heat map's legend
    assert tables
    for table in tables:
        grid = _grid(table._tbl)
        assert len(set(grid)) > 1, f"every column of a table is {grid[0]} twips wide"
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        first = [row.cells[0].text for row in table.rows[1:]]
        # A line may break at a space or after a hyphen: the longest piece between those must fit.
        longest = max((w for text in first for w in re.split(r"[\s]+|(?<=-)", text)), key=len)
        # 8.5 pt text: a generous 0.62 em per character, plus the 1 mm cell margins on both sides.
        needed_mm = len(longest) * 0.62 * 8.5 * 25.4 / 72 + 2
        assert grid[0] / TWIPS_PER_MM >= needed_mm, (longest, grid[0] / TWIPS_PER_MM, needed_mm)
    heat = next(t for t in tables if t.rows[0].cells[0].text == "Process area")
    assert [c.text for c in heat.rows[0].cells[2:]] == ["people", "process", "technology", "culture", "governance",
                                                        "data"]
    fills = {c._tc.tcPr.find(f"{W}shd").get(f"{W}fill") for row in heat.rows[1:] for c in row.cells[2:]}
    assert len(fills) >= 3, fills  # the heat map is shaded by coverage


def _first_page_png(pdf: Path, out: Path) -> Path:
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(out)],
                   check=True, capture_output=True)
    return out.with_suffix(".png")


def _share_of(image: object, rgb: tuple[int, int, int], box: tuple[float, float, float, float]) -> float:
    from PIL import Image

    assert isinstance(image, Image.Image)
    w, h = image.size
    region = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h)))
    pixels = list(region.convert("RGB").tobytes())
    pixels = [tuple(pixels[i:i + 3]) for i in range(0, len(pixels), 3)]
    near = sum(1 for p in pixels if all(abs(a - b) <= 12 for a, b in zip(p[:3], rgb, strict=True)))
    return near / len(pixels)


@pytest.mark.parametrize("name, accent", [("enterprise-near-l3", BUILTIN_ACCENT), ("northwind-word", NORTHWIND_ACCENT)])
def test_first_page_has_the_title_band_and_the_summary(office: dict[str, tuple[bytes, Path]], tmp_path: Path,
                                                        name: str, accent: tuple[int, int, int]) -> None:
    from PIL import Image

    pdf = office[name][1]
    image = Image.open(_first_page_png(pdf, tmp_path / "page1")).convert("RGB")
    # The title band: the brand colour fills much of the top of the page, and is absent from the rest of the top.
    assert _share_of(image, accent, (0.1, 0.05, 0.9, 0.11)) > 0.5
    other = NORTHWIND_ACCENT if accent == BUILTIN_ACCENT else BUILTIN_ACCENT
    assert _share_of(image, other, (0.1, 0.05, 0.9, 0.11)) < 0.01
    grey = image.convert("L")
    histogram = grey.histogram()
    assert 1 - sum(histogram[246:]) / (grey.width * grey.height) > 0.05, "the first page looks blank"
    page1 = _pdf_text(pdf, 1, 1)
    context = _context("enterprise-near-l3")
    assert "Summary" in page1
    assert f"CMMI maturity level {context.maturity.level} ({context.maturity.name})" in page1
    assert context.summary is not None
    flat = " ".join(page1.split())
    assert " ".join(context.summary.definition.label.split()) in flat  # the CMMI definition, labelled as such
    assert " ".join(context.summary.reason.split())[:60] in flat  # the summary written from the facts opens page 1
    assert "In place" in page1
