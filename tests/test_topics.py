"""The multilingual topic classifier: each language, each signal, the user's pins, and the classify command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from feedsvc.topics import taxonomy as topics
from feedsvc.topics.classify import Item

TAXONOMY = topics.load()


def topics_of(title: str, **kw: str) -> set[str]:
    lede = kw.pop("lede", None)
    return set(TAXONOMY.decide(Item(title, lede, **kw)).topics)


@pytest.mark.parametrize(("text", "code"), [
    ("The parliament passed the budget on Tuesday", "en"),
    ("Парламент принял бюджет на следующий год", "ru"),
    ("Парламент ухвалив бюджет на наступний рік", "uk"),
    ("Parlament gələn ilin büdcəsini qəbul edib", "az"),
    ("Meclis gelecek yılın bütçesini kabul etti", "tr"),
    ("Парламент келесі жылғы бюджетті қабылдады", "kk"),
    ("Das Parlament hat den Haushalt beschlossen", "de"),
    ("Le parlement a adopté le budget de l'année prochaine", "fr"),
])
def test_language_is_identified(text: str, code: str) -> None:
    assert TAXONOMY.decide(Item(text)).language == code


@pytest.mark.parametrize(("title", "wanted"), [
    ("Parliament votes to dismiss the cabinet after the election", {"politics"}),
    ("Президент подписал указ о досрочных выборах в парламент", {"politics"}),
    ("Верховна Рада ухвалила закон про вибори", {"politics"}),
    ("Prezident yeni nazir təyin edib", {"politics"}),
    ("Cumhurbaşkanı yeni bakanları atadı", {"politics"}),
    ("Мәжіліс депутаттары жаңа заңды қабылдады", {"politics"}),
    ("Der Bundestag stimmt über das neue Wahlgesetz ab", {"politics"}),
    ("Le gouvernement présente un projet de loi au Parlement", {"politics"}),
])
def test_politics_in_every_language(title: str, wanted: set[str]) -> None:
    assert topics_of(title) == wanted


@pytest.mark.parametrize(("title", "wanted"), [
    ("Missile strike on a military base, troops withdraw from the front line", "conflict"),
    ("Беспилотники атаковали военный аэродром, ПВО сбила ракеты", "conflict"),
    ("Сили ППО збили ракети та безпілотники над областю", "conflict"),
    ("Müharibə bölgəsində atəşkəs pozulub, hərbçilər yaralanıb", "conflict"),
    ("Earthquake of magnitude 6 leaves dozens injured, rescuers search the rubble", "incidents"),
    ("В результате пожара на складе пострадали трое рабочих", "incidents"),
    ("Yol qəzasında iki nəfər xəsarət alıb", "incidents"),
    ("Trafik kazasında iki kişi yaralandı", "incidents"),
    ("Bei einem Verkehrsunfall wurden drei Menschen verletzt", "incidents"),
    ("Central bank raises interest rate as inflation climbs", "business"),
    ("Цены на нефть выросли после решения ОПЕК", "business"),
    ("Neft qiymətləri bahalaşıb, manatın məzənnəsi sabitdir", "business"),
    ("Enflasyon ve faiz kararı piyasaları etkiledi", "business"),
    ("Striker scores twice as the club wins the league title", "sports"),
    ("Футболист сборной забил гол в матче чемпионата", "sports"),
    ("Güləşçimiz Avropa çempionatında qızıl medal qazanıb", "sports"),
])
def test_each_topic_in_several_languages(title: str, wanted: str) -> None:
    assert wanted in topics_of(title)


def test_greedy_stems_are_gone() -> None:
    # imports ~ important, stocks ~ Stockholm, elections ~ electricity no longer collide.
    assert "business" not in topics_of("All contacts are important, the spokesman said")
    assert topics_of("A new museum opens in Stockholm") == set()
    assert "politics" not in topics_of("Electricity bills rise again")
    assert "business" in topics_of("Electricity bills rise again")


def test_war_harm_is_conflict_never_an_incident() -> None:
    got = topics_of("Explosion kills five after a drone attack on the city")
    assert "conflict" in got and "incidents" not in got


def test_printed_section_is_a_signal_in_any_language() -> None:
    for section in ("Siyasət", "Политика", "Politika", "Політика"):
        assert "politics" in topics_of("Yeni qərar qəbul olunub", category=section), section
    assert "sports" in topics_of("Yeni qərar qəbul olunub", category="Спорт")
    assert "politics" in topics_of("Yeni qərar qəbul olunub", category="Daxili siyasət")


def test_world_is_judged_against_the_home_country() -> None:
    # A Russian-language item on a Russian decision is domestic; on Germany it is world news.
    assert "world" not in topics_of("Президент России подписал указ о выборах")
    assert "world" in topics_of("Президент Германии подписал указ о выборах")
    # The source's own country, when known, beats the language's.
    assert "world" in topics_of("Президент России подписал указ о выборах", home="KZ")
    # Two countries dealing with each other are world news whatever the source.
    assert "world" in topics_of("Azərbaycan və Qazaxıstan saziş imzalayıb")


def test_dateline_abroad_makes_world_news() -> None:
    assert "world" in topics_of("Parliament passes the budget", place="BAKU", home="GB")
    assert "world" not in topics_of("Parliament passes the budget", place="LONDON", home="GB")


def test_explain_names_the_signals() -> None:
    decision = TAXONOMY.decide(Item("Президент Германии подписал указ", category="Политика"), explain=True)
    assert decision.language == "ru"
    assert any("президент" in s for s in decision.signals["politics"])
    assert any("section 'Политика'" in s for s in decision.signals["politics"])
    assert any("DE" in s for s in decision.signals["world"])


def _user_file(tmp_path: Path, extra: str) -> Path:
    shipped = topics.default_path().read_text(encoding="utf-8")
    path = tmp_path / "topics.toml"
    path.write_text(shipped + extra, encoding="utf-8")
    return path


def test_user_topic_in_their_own_language_and_pins_win(tmp_path: Path) -> None:
    path = _user_file(tmp_path, '''
[[topic]]
slug = "science"
title = "Elm"
keywords = ["alimlər", "tədqiqat*"]
''')
    taxonomy = topics.load(path)
    assert taxonomy.get("science") is not None and taxonomy.get("science").lexicon is None  # type: ignore[union-attr]
    assert "science" in taxonomy.classify("Alimlər yeni tədqiqatın nəticələrini açıqlayıb")
    text = path.read_text(encoding="utf-8").replace(
        'slug = "sports"\n', 'slug = "sports"\nexclude = ["chess"]\ninclude = ["esports"]\n')
    path.write_text(text, encoding="utf-8")
    pinned = topics.load(path)
    assert "sports" in TAXONOMY.classify("Chess champion wins the tournament")
    assert "sports" not in pinned.classify("Chess champion wins the tournament")
    assert "sports" in pinned.classify("Esports finals draw record viewers")


def test_a_topic_can_turn_the_lexicon_off_or_borrow_it(tmp_path: Path) -> None:
    path = _user_file(tmp_path, '''
[[topic]]
slug = "football"
title = "Football"
lexicon = "sports"
''')
    assert "football" in topics.load(path).classify("Футболист забил гол в матче")
    bad = _user_file(tmp_path, '\n[[topic]]\nslug = "x"\ntitle = "X"\nlexicon = "nonsense"\n')
    with pytest.raises(topics.ConfigError, match="lexicon must be one of"):
        topics.load(bad)


def test_classify_command_reads_json_lines_and_explains(sqlite_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    lines = tmp_path / "items.jsonl"
    lines.write_text("\n".join([
        json.dumps({"title": "Президент Германии подписал указ", "category": "Политика"}, ensure_ascii=False),
        "not json",
        json.dumps({"title": "Yol qəzasında iki nəfər xəsarət alıb", "source": "apa"}, ensure_ascii=False),
    ]) + "\n", encoding="utf-8")
    runner = sqlite_app.test_cli_runner()
    result = runner.invoke(args=["classify", str(lines), "--explain"])
    assert result.exit_code == 1  # one bad line, the others still answered
    out = [json.loads(ln) for ln in result.stdout.splitlines()]
    assert [o["topics"] for o in out] == [["politics", "world"], ["incidents"]]
    assert out[0]["explain"]["world"] and out[1]["language"] == "az"
    assert f"{lines}:2: not JSON" in result.stderr
    plain = runner.invoke(args=["classify"], input='{"title": "Striker scores in the derby"}\n')
    assert plain.exit_code == 0 and json.loads(plain.stdout)["topics"] == ["sports"]
    assert "explain" not in json.loads(plain.stdout)


def test_feeds_carry_the_iptc_code() -> None:
    codes = {t.slug: t.iptc for t in TAXONOMY.topics}
    assert codes["politics"] == "medtop:11000000" and codes["sports"] == "medtop:15000000"


def test_reclassify_applies_a_pin_to_everything_stored(tmp_path: Path) -> None:
    from sqlalchemy import select

    from feedsvc import create_app
    from feedsvc.store import db
    from feedsvc.store.schema import item_topics, items
    from tests.conftest import SEEDS

    path = _user_file(tmp_path, "")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}", "CORPUS_DIR": str(SEEDS),
                      "TOPICS_FILE": str(path)})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["ingest"]).exit_code == 0

    def conflict() -> set[str]:
        with app.app_context(), db.get_engine().connect() as conn:
            return set(conn.scalars(select(items.c.title).join(item_topics, item_topics.c.item_id == items.c.id)
                                    .where(item_topics.c.topic == "conflict")))

    before = conflict()
    assert any("ceasefire" in t for t in before)
    path.write_text(path.read_text(encoding="utf-8").replace(
        'slug = "conflict"\n', 'slug = "conflict"\nexclude = ["ceasefire"]\n'), encoding="utf-8")
    result = runner.invoke(args=["reclassify"])
    assert result.exit_code == 0, result.output
    after = conflict()
    assert after and not any("ceasefire" in t for t in after)
    assert after == {t for t in before if "ceasefire" not in t}
