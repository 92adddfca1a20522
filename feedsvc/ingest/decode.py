"""Bytes of a corpus file to clean text: encodings, BOMs, control characters, size cap."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from ..errors import IngestError

# C0/C1 controls other than tab and newline, and lone surrogates, never belong in a news text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufeff]")
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])
_LEGACY = ("cp1251", "cp1254", "latin_1")


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls > len(sample) // 20


def decode(data: bytes, *, max_bytes: int | None = None) -> str:
    """Decode a corpus file's bytes to normalised text, or raise IngestError saying why not."""
    if max_bytes is not None and len(data) > max_bytes:
        raise IngestError(f"file is {len(data)} bytes, over the cap of {max_bytes} (FEEDSVC_MAX_FILE_BYTES)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return clean(data.decode("utf-16"))
        except UnicodeDecodeError:
            raise IngestError("undecodable UTF-16 text") from None
    if not data.strip():
        raise IngestError("file is empty")
    if _looks_binary(data):
        raise IngestError("file is binary, not text")
    try:
        return clean(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(_LEGACY) + ["cp1252", "iso8859_9"]).best()
    if best is None:
        raise IngestError("undecodable text: not UTF-8 and no legacy encoding fits")
    return clean(str(best))


def clean(text: str) -> str:
    """NFC, Unix newlines, no control characters or trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROLS.sub("", text)
    text = text.replace("\u00a0", " ")
    text = unicodedata.normalize("NFC", text)
    return "\n".join(line.rstrip() for line in text.split("\n"))
