"""A report's .docx as PDF, rendered by LibreOffice (`soffice`) where it is installed.

Offices forward PDF. The worker image installs LibreOffice and fonts-noto-cjk; `fonts/fonts.conf`
binds the fonts the .docx names (宋体, 仿宋, 楷体, 黑体) to the Noto CJK SC faces, so the PDF
shows Chinese faces rather than a fallback. Each conversion runs in its own LibreOffice profile, so
two workers converting at once do not lock each other out.
"""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
TIMEOUT_SECONDS = 180


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed here, or it made no PDF."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise PdfUnavailable("soffice is not installed")
    with tempfile.TemporaryDirectory(prefix="report-pdf-") as folder:
        work = Path(folder)
        (work / "report.docx").write_bytes(docx)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": folder}
        command = [
            program,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(work / "report.docx"),
        ]
        done = subprocess.run(command, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        pdf = work / "report.pdf"
        if not pdf.exists():
            raise PdfUnavailable(f"soffice made no PDF (exit {done.returncode}): {done.stderr.decode()[-500:]}")
        return pdf.read_bytes()
