"""The two sample pages come out exactly right."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEEDS

TASS = SEEDS / "000_b5caf947a9979386.txt"
EDNEWS = SEEDS / "004_c0772d994af304bb.txt"


@pytest.fixture
def parsed(sqlite_app):  # type: ignore[no-untyped-def]
    runner = sqlite_app.test_cli_runner()

    def run(path):  # type: ignore[no-untyped-def]
        result = runner.invoke(args=["parse", str(path), "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    return run


def test_tass_seed(parsed) -> None:  # type: ignore[no-untyped-def]
    page = parsed(TASS)
    assert page["title"] == "All contacts with US leader important but some details not for comment — Kremlin"
    assert page["published"] == "2017-05-17T00:00:00+03:00"
    assert page["published_precision"] == "day"
    assert page["published_inferred"] is True
    assert page["dateline"] == {"place": "SOCHI", "agency": "TASS"}
    assert page["source"] == "tass"
    assert page["category"] is None
    assert page["lede"] == ("The Washington Post said earlier this week that the US president might have shared "
                            "with Russia's foreign minister and ambassador in Washington some secret information")
    assert page["captions"] == [{"text": "US President Donald Trump and Russian Foreign Minister Sergey Lavrov",
                                 "credit": "Alexander Shcherbak/TASS"}]
    body = page["body"]
    assert len(body) == 6
    assert body[0].startswith("The Kremlin attaches great priority")
    assert "SOCHI" not in body[0] and "/TASS/" not in body[0]
    assert body[-1].endswith("contribute to the struggle against terrorism.")
    assert not any("Shcherbak" in p or p == "All news" for p in body)
    assert "politics" in page["topics"]
    assert page["newsline"] == []
    assert page["warnings"] == []


def test_ednews_seed(parsed) -> None:  # type: ignore[no-untyped-def]
    page = parsed(EDNEWS)
    assert page["title"] == "No doubt, Trump realizes benefits of good relations with Russia Lavrov says"
    assert page["published"] == "2019-12-11T09:53:00+04:00"
    assert page["published_precision"] == "minute"
    assert page["published_inferred"] is False
    assert page["dateline"] is None
    assert page["source"] == "eurasia-diary"
    assert page["category"] == "Politics"
    assert page["lede"].startswith("US President Donald Trump realizes the benefits")
    assert page["lede"].endswith("Eurasia Diary reports citing TASS.")
    body = page["body"]
    assert len(body) == 8
    assert body[0].startswith('"As far as [US] relations with Russia are concerned')
    assert body[-1] == ('He also dismissed as "absurd" criticism of the format of his meeting with Trump, '
                        "which was closed for the media.")
    assert not any("IEPF" in p or "News line" in p or "Hamısı" in p for p in body)
    assert page["captions"] == []
    assert "politics" in page["topics"]
    assert page["warnings"] == []


def test_ednews_news_line(parsed) -> None:  # type: ignore[no-untyped-def]
    line = parsed(EDNEWS)["newsline"]
    assert len(line) == 40
    assert line[0] == {"title": "Erdogan: US has crucial role in achieving ceasefire in Gaza",
                       "published": "2025-07-05T20:20:00+04:00", "topics": line[0]["topics"]}
    assert line[-1]["title"] == ("German, Dutch spy agencies claim Russia is increasingly using chemical "
                                 "warfare in Ukraine")
    assert line[-1]["published"] == "2025-07-04T20:20:00+04:00"
    assert all(h["title"] != "Hamısı" for h in line)
    topics = {h["title"]: set(h["topics"]) for h in line}
    assert "sports" in topics["Inter completes signing of Ange-Yoan Bonny from Parma"]
    assert "business" in topics["OPEC+ speeds up oil output hikes, adds 548,000 bpd in August"]
    texas = next(t for t in topics if t.startswith("Texas floods kill 24 people"))
    assert "incidents" in topics[texas]
    assert topics["Conor McGregor has interest in White House fight after Trump's UFC idea"] == {"sports"}
    assert "conflict" in topics["21 killed in Israeli strikes on tents, school-turned-shelters in Gaza Strip"]
    assert "incidents" not in topics["21 killed in Israeli strikes on tents, school-turned-shelters in Gaza Strip"]
    assert "business" not in topics["Netanyahu era sees 40% surge in Israeli settlements in occupied West Bank"]
    assert all(h["topics"] for h in line), [h["title"] for h in line if not h["topics"]]
