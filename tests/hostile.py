"""Hostile and clean files built for real, shared by the upload tests and bench/attack_uploads.py.

Office Open XML files are made with openpyxl / python-docx and then altered; OLE2 compound files
(.xls/.doc) are written by a small compound-file writer, since no library at hand writes them.
"""

from __future__ import annotations

import io
import struct
import zipfile

ENDOFCHAIN, FREESECT, FATSECT, NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
SECTOR = 512


def plain_xlsx(rows=(("序号", "任务名称"), (1, "农村改厕"))) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plain_docx(text="验收报告") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, replace: dict | None = None, add: dict | None = None) -> bytes:
    """A copy of the archive with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, payload in add.items():
            target.writestr(name, payload)
    return out.getvalue()


def _macro_enable(data: bytes, folder: str, main: str, old_type: bytes, new_type: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").replace(old_type, new_type)
    return rewrite(
        data,
        replace={"[Content_Types].xml": types},
        add={f"{folder}/vbaProject.bin": _compound_file({"_VBA_PROJECT_CUR/VBA/dir": b"\x01" * 64})},
    )


def macro_xlsx() -> bytes:
    """An .xlsm saved by Excel and renamed .xlsx: macro-enabled main part and a VBA project."""
    return _macro_enable(
        plain_xlsx(), "xl", "workbook.xml", b"spreadsheetml.sheet.main+xml", b"vnd.ms-excel.sheet.macroEnabled.main+xml"
    )


def macro_docx() -> bytes:
    """A .docm renamed .docx."""
    return _macro_enable(
        plain_docx(),
        "word",
        "document.xml",
        b"wordprocessingml.document.main+xml",
        b"vnd.ms-word.document.macroEnabled.main+xml",
    )


def zip_bomb(unpacked_mb: int = 400, base: bytes | None = None) -> bytes:
    """A real workbook carrying one part of zeros: about 400 KB that inflate to ``unpacked_mb`` MB."""
    out = io.BytesIO(base or plain_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/image1.bin", "w", force_zip64=True) as part:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(zeros)
    return out.getvalue()


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10))
    + b']>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
)


def billion_laughs_xlsx() -> bytes:
    return rewrite(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": LAUGHS})


def billion_laughs_docx() -> bytes:
    return rewrite(plain_docx(), replace={"word/document.xml": LAUGHS.replace(b"worksheet", b"document")})


# OLE2 compound files --------------------------------------------------------------------------------


def _biff_workbook(sheet_type: int = 0) -> bytes:
    """BIFF8 workbook globals: BOF, one BOUNDSHEET (0 worksheet, 1 Excel 4 macro sheet), EOF."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x0600)
    name = "Sheet1".encode("latin-1")
    body = struct.pack("<IBBBB", 0, 0, sheet_type, len(name), 0) + name
    boundsheet = struct.pack("<HH", 0x0085, len(body)) + body
    return bof + boundsheet + struct.pack("<HH", 0x000A, 0)


def clean_xls() -> bytes:
    return _compound_file({"Workbook": _biff_workbook()})


def clean_doc() -> bytes:
    return _compound_file({"WordDocument": struct.pack("<H", 0xA5EC) + bytes(1022)})


def macro_xls() -> bytes:
    return _compound_file(
        {
            "Workbook": _biff_workbook(),
            "_VBA_PROJECT_CUR/VBA/dir": b"\x01" * 64,
            "_VBA_PROJECT_CUR/PROJECT": b'ID="{00000000}"\r\n',
        }
    )


def xlm_macro_xls() -> bytes:
    """An Excel 4.0 macro sheet: no VBA project at all, still code that runs on open."""
    return _compound_file({"Workbook": _biff_workbook(sheet_type=1)})


def macro_doc() -> bytes:
    return _compound_file(
        {
            "WordDocument": struct.pack("<H", 0xA5EC) + bytes(1022),
            "Macros/VBA/dir": b"\x01" * 64,
            "Macros/PROJECT": b'ID="{00000000}"\r\n',
        }
    )


def _compound_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file holding ``streams`` ("Storage/Sub/Stream": bytes).

    Every stream is padded to 4096 bytes so it lives in regular sectors (no mini stream); storages
    are made from the paths. Enough of the format for olefile, Office and LibreOffice to read.
    """
    entries = [{"name": "Root Entry", "type": 5, "children": [], "data": b""}]
    index = {(): 0}
    for path, data in streams.items():
        parts = tuple(path.split("/"))
        for depth in range(1, len(parts) + 1):
            if parts[:depth] not in index:
                index[parts[:depth]] = len(entries)
                entries[index[parts[: depth - 1]]]["children"].append(len(entries))
                is_stream = depth == len(parts)
                entries.append(
                    {
                        "name": parts[depth - 1],
                        "type": 2 if is_stream else 1,
                        "children": [],
                        "data": data.ljust(4096, b"\0") if is_stream else b"",
                    }
                )
    directory_sectors = -(-len(entries) * 128 // SECTOR)
    next_sector = 1 + directory_sectors  # sector 0 is the FAT
    fat = [FATSECT] + [i + 2 if i + 1 < directory_sectors else ENDOFCHAIN for i in range(directory_sectors)]
    body = b""
    for entry in entries:
        if entry["type"] != 2:
            entry["start"] = ENDOFCHAIN
            continue
        count = len(entry["data"]) // SECTOR
        entry["start"] = next_sector
        fat += [next_sector + i + 1 if i + 1 < count else ENDOFCHAIN for i in range(count)]
        next_sector += count
        body += entry["data"]
    assert len(fat) <= SECTOR // 4, "test files stay under one FAT sector"
    fat_sector = b"".join(struct.pack("<I", v) for v in fat + [FREESECT] * (SECTOR // 4 - len(fat)))
    directory = b"".join(_directory_entry(e, entries) for e in entries).ljust(directory_sectors * SECTOR, b"\0")
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + bytes(16)
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREESECT) * 108
    )
    return header + fat_sector + directory + body


def _directory_entry(entry, entries) -> bytes:
    # Siblings as a right-leaning chain of black nodes, sorted as the format orders names.
    def key(i):
        return (len(entries[i]["name"]), entries[i]["name"].upper())

    for kids in [entry["children"]]:
        kids.sort(key=key)
        for left, right in zip(kids, kids[1:]):
            entries[left]["right"] = right
    child = entry["children"][0] if entry["children"] else NOSTREAM
    name = entry["name"].encode("utf-16-le") + b"\0\0"
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB", len(name), entry["type"], 1)
        + struct.pack("<III", NOSTREAM, entry.get("right", NOSTREAM), child)
        + bytes(16 + 4 + 16)
        + struct.pack("<IQ", entry["start"], len(entry["data"]))
    )


# PDF: a small writer of numbered objects, enough for a viewer to open and for a hostile action to run.


def pdf(*objects: bytes, streams: dict[int, tuple[bytes, bytes]] | None = None) -> bytes:
    """A PDF whose object i+1 is objects[i], then the streams (object number → (dictionary, raw bytes)), with
    its cross-reference table: enough for the upload checks, which read what a viewer would act on."""
    streams = streams or {}
    out, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    count = len(objects) + len(streams)
    numbered = dict(enumerate(objects, 1)) | streams
    for number in range(1, count + 1):
        offsets.append(len(out))
        body = numbered[number]
        if isinstance(body, tuple):
            dictionary, raw = body
            body = dictionary.replace(b">>", b" /Length %d >>" % len(raw), 1) + b"\nstream\n" + raw + b"\nendstream"
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, xref)
    return bytes(out)


PDF_PAGES = (b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")


def pdf_open_action_javascript() -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >> >>", *PDF_PAGES)


def pdf_escaped_launch() -> bytes:
    """A link whose action is /Launch written with #xx escapes (/#4Caunch), as obfuscating tools write it."""
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PDF_PAGES[0],
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A << /S /#4Caunch /F (cmd.exe) >> >>",
    )


def pdf_javascript_in_object_stream() -> bytes:
    """A link whose action (object 6) is packed in a compressed object stream: the raw bytes show only
    "/A 6 0 R"; the JavaScript is inside the deflated stream."""
    import zlib

    raw = zlib.compress(b"6 0 << /S /JavaScript /JS (this.exportDataObject\\(\\)) >>")
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        PDF_PAGES[0],
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /A 6 0 R >>",
        streams={5: (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>", raw)},
    )


def pdf_object_stream_bomb(unpacked_mb: int = 100) -> bytes:
    import zlib

    raw = zlib.compress(b" " * (unpacked_mb * 1024 * 1024), 9)
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        *PDF_PAGES,
        streams={4: (b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode >>", raw)},
    )


def pdf_clean_with_view_and_image() -> bytes:
    """What scanners and "print to PDF" write: an open action that only shows page 1, and an image whose bytes
    happen to spell /JS and /AA (stream contents are pictures, not dictionaries)."""
    image = b"\xff\xd8\xff\xe0 /JS /AA /Launch " + bytes(range(256)) * 8 + b"\xff\xd9"
    return pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>",
        PDF_PAGES[0],
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 4 0 R >> >> >>",
        streams={
            4: (
                b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /BitsPerComponent 8 "
                b"/ColorSpace /DeviceRGB /Filter /DCTDecode >>",
                image,
            )
        },
    )
