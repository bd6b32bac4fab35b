"""The package written again entry by entry: every part not edited as its original compressed
bytes (checked against its CRC), the edited ones compressed anew, through the atomic writer."""
from __future__ import annotations

import struct
import zipfile
import zlib

from ..errors import NotAWorkbook
from ..files import Replacement
from .package import DAMAGED, XlsxPackage

DEFLATE_LEVEL = 6


def write_atomically(pkg: XlsxPackage, replaced: dict[str, bytes], dest: str, backup: bool) -> str | None:
    with Replacement(dest, existing="backup" if backup else "replace") as staged:
        write_zip(pkg, replaced, staged.file)
        staged.file.flush()
        with zipfile.ZipFile(staged.path) as check:      # the central directory must read back
            if len(check.infolist()) != len(pkg.infolist()):
                raise NotAWorkbook("could not be written completely", file=dest)
        pkg.close()      # Windows will not replace a file that is still open
    return str(staged.backup) if staged.backup else None


def write_zip(pkg: XlsxPackage, replaced: dict[str, bytes], out) -> None:
    central = []
    with open(pkg.path, "rb") as src:
        for info in pkg.infolist():
            data = replaced.get(info.filename)
            if data is None:
                raw = _raw_entry(src, info, pkg)
                method, crc, size = info.compress_type, info.CRC, info.file_size
                flags = info.flag_bits & ~0x08       # sizes go in the local header, not a descriptor
            else:
                stored = info.compress_type == zipfile.ZIP_STORED
                method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                raw = data if method == zipfile.ZIP_STORED else _deflate(data)
                crc, size = zlib.crc32(data), len(data)
                flags = info.flag_bits & 0x800
            name = info.orig_filename.encode("utf-8" if flags & 0x800 else "cp437")
            extra = _without_zip64(info.extra)
            y, mo, d, h, mi, s = info.date_time
            dos_time, dos_date = h << 11 | mi << 5 | s // 2, (y - 1980) << 9 | mo << 5 | d
            offset = out.tell()
            out.write(struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", info.extract_version, info.reserved, flags,
                                  method, dos_time, dos_date, crc, len(raw), size, len(name), len(extra)))
            out.write(name)
            out.write(extra)
            out.write(raw)
            central.append(struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", info.create_version,
                                       info.create_system, info.extract_version, info.reserved, flags,
                                       method, dos_time, dos_date, crc, len(raw), size, len(name),
                                       len(extra), len(info.comment), 0, info.internal_attr,
                                       info.external_attr, offset) + name + extra + info.comment)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                          start, len(pkg.comment)) + pkg.comment)


def _raw_entry(src, info: zipfile.ZipInfo, pkg: XlsxPackage) -> bytes:
    """The entry's compressed bytes, checked against its CRC so a damaged part is not passed on."""
    src.seek(info.header_offset)
    head = src.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    name_len, extra_len = struct.unpack("<2H", head[26:30])
    src.seek(info.header_offset + 30 + name_len + extra_len)
    raw = src.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)
        except zlib.error:
            raise NotAWorkbook(DAMAGED, file=pkg.path) from None
    else:
        data = pkg.read(info.filename)      # zipfile checks the CRC itself
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        raise NotAWorkbook(DAMAGED, file=pkg.path)
    return raw


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def _without_zip64(extra: bytes) -> bytes:
    # Sizes here always fit 32 bits (open_package caps them), so a zip64 field would only mislead.
    out = []
    i = 0
    while i + 4 <= len(extra):
        kind, size = struct.unpack("<2H", extra[i:i + 4])
        if kind != 0x0001:
            out.append(extra[i:i + 4 + size])
        i += 4 + size
    return b"".join(out)
