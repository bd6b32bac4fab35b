"""A file screened before it is opened as a zip package: what it really is (an encrypted file,
an old .xls, a text file, an OpenDocument or binary workbook, a damaged download) and whether
its parts would expand beyond all reason (a zip bomb). The Word narrative is screened the same way.

Every refusal names the file and says, in one line, what the person can do about it.
"""
from __future__ import annotations

import zipfile
import zlib

from ..errors import EncryptedWorkbook, NotAWorkbook

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A real template is a few MB on disk and tens of MB expanded. The limits below keep any file
# of up to 10 MB to seconds of work and well under 1 GB of memory, or refuse it.
MAX_TOTAL_SIZE = 100 * 2**20      # every part expanded
MAX_RATIO = 100                   # XML compresses ~10-30x; far beyond that is a bomb
RATIO_FLOOR = 2**20               # below this, a part (or the whole file) may compress as well as it likes
MAX_ENTRIES = 10_000

DAMAGED = "is damaged or not an Excel workbook"
WONT_OPEN = "is not a workbook this tool will open: {} (a damaged or malicious file)"
TOO_LARGE = WONT_OPEN.format("it would expand to an unreasonable size")
SAVE_AS = "open it in Excel and save it as Excel Workbook (.xlsx) (File > Save As), then try again"
OTHER_FORMATS = {
    ".ods": "is an OpenDocument spreadsheet (.ods), not an Excel workbook: " + SAVE_AS,
    ".xlsb": "is an Excel binary workbook (.xlsb), which this tool cannot read: " + SAVE_AS,
}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ENCRYPTED = ("is password-encrypted: open it in Excel, remove the password to open "
             "(File > Info > Protect Workbook > Encrypt with Password), save, and try again")


def check_head(head: bytes, source, name: str) -> None:
    """`source` is the file's path or its bytes, for looking inside an OLE container."""
    if not head:
        raise NotAWorkbook("is empty, not an Excel workbook", file=name)
    if head == OLE_MAGIC:
        if ole_is_encrypted(source):
            raise EncryptedWorkbook(ENCRYPTED, file=name)
        raise NotAWorkbook("is an old .xls workbook; save it as .xlsx (Excel Workbook) and try again",
                           file=name)
    if not head.startswith(b"PK") and _looks_like_text(head):
        # Most often the files are the wrong way round: the register where the return goes.
        raise NotAWorkbook("is a text file (a CSV register?), not an Excel workbook: the return (.xlsx) goes "
                           "first, and a register after --schemes, --income or --table", file=name)


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    return all(b in b"\t\r\n" or 32 <= b < 127 or b >= 128 for b in head) and b"\x00" not in head


def check_entries(zf: zipfile.ZipFile, name: str, file_size: int) -> None:
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise NotAWorkbook(TOO_LARGE, file=name)
    total = sum(info.file_size for info in infos)
    # Many parts each too small to look suspicious can still add up to a bomb.
    if total > MAX_TOTAL_SIZE or _too_compressed(total, file_size):
        raise NotAWorkbook(TOO_LARGE, file=name)
    for info in infos:
        if _too_compressed(info.file_size, info.compress_size):
            raise NotAWorkbook(TOO_LARGE, file=name)
        # An entry running past the end of the file means a truncated download.
        if info.header_offset + info.compress_size > file_size or info.flag_bits & 0x1:
            raise NotAWorkbook(DAMAGED, file=name)


def _too_compressed(size: int, stored: int) -> bool:
    return size > RATIO_FLOOR and size > MAX_RATIO * max(stored, 1)


def refuse_other_formats(zf: zipfile.ZipFile, name: str) -> None:
    """OpenDocument and binary Excel files are zips too; say what they are rather than 'damaged'."""
    names = {info.filename.lower(): info for info in zf.infolist()}
    mimetype = names.get("mimetype")
    if mimetype is not None and mimetype.file_size < 200:
        try:
            is_ods = zf.read(mimetype).strip() == ODS_MIMETYPE
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
            raise NotAWorkbook(DAMAGED, file=name) from None
        if is_ods:
            raise NotAWorkbook(OTHER_FORMATS[".ods"], file=name)
    if "xl/workbook.bin" in names:
        raise NotAWorkbook(OTHER_FORMATS[".xlsb"], file=name)


def ole_is_encrypted(path: str | bytes) -> bool:
    """An OLE container holding an `EncryptionInfo` stream is an encrypted OOXML file."""
    try:
        import olefile      # optional, ~7 ms: only an OLE file (an old .xls, an encrypted .xlsx) is looked into
    except ImportError:
        olefile = None
    if olefile is not None:
        try:
            with olefile.OleFileIO(path) as ole:
                return bool(ole.exists("EncryptionInfo"))
        except Exception:  # a malformed container: fall back to looking for the stream name
            pass
    needle = "EncryptionInfo".encode("utf-16-le")
    if isinstance(path, bytes):
        return needle in path
    overlap = b""
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if needle in overlap + chunk:
                return True
            overlap = chunk[-len(needle):]
    return False
