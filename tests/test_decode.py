"""Encodings and bad bytes."""

from __future__ import annotations

import codecs

import pytest

from feedsvc.errors import IngestError
from feedsvc.ingest.decode import decode

RU = "Министр иностранных дел России Сергей Лавров провел переговоры с турецким коллегой в Москве."
AZ_TR = "Azərbaycan və Türkiyə arasında yeni saziş imzalanıb. Şirkətlər güclü əməkdaşlıq edir."
TR = "Türkiye Büyük Millet Meclisi bütçeyi kabul etti. Görüşmeler iki hafta sürdü, ağır geçti."
FR = "Le président français a rencontré le chancelier allemand à Paris, où ils ont évoqué l'économie."


def test_utf8_with_and_without_bom() -> None:
    assert decode(RU.encode("utf-8")) == RU
    assert decode(codecs.BOM_UTF8 + RU.encode("utf-8")) == RU


def test_utf16_with_bom() -> None:
    assert decode(RU.encode("utf-16")) == RU


@pytest.mark.parametrize(("text", "encoding"), [(RU, "cp1251"), (TR, "cp1254"), (FR, "latin-1")])
def test_legacy_encodings_are_detected(text: str, encoding: str) -> None:
    assert decode(((text + "\n") * 3).encode(encoding)).split("\n")[0] == text


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty"),
    (b"   \n\n  ", "empty"),
    (b"\x00\x01\x02\x03PK\x03\x04" * 100, "binary"),
    (bytes(range(256)) * 4, "binary"),
])
def test_bad_bytes(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        decode(data)


def test_size_cap() -> None:
    with pytest.raises(IngestError, match="over the cap of 10"):
        decode(b"x" * 11, max_bytes=10)


def test_controls_and_newlines_are_cleaned() -> None:
    assert decode(b"Title\r\nBody\x07 text \r\n") == "Title\nBody text\n"
