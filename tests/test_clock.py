"""The clock: each reader's own hour across daylight-saving changes, catch-up, and two clocks at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select

from feedsvc.cli.scheduler import Clock
from feedsvc.mail.send import due_at
from feedsvc.store import db
from feedsvc.store.schema import digests
from tests.conftest import ROOT, SEEDS, add_readers, ledger_counts, make_app, wait_for
from tests.e2e import free_port, procfile_command
from tests.smtp import smtp_server

LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_a_readers_hour_is_their_wall_clock_across_dst() -> None:
    # 07:00 in London is 07:00 UTC before the spring change and 06:00 UTC after it.
    assert due_at(utc(2025, 3, 29, 0), 7, LONDON) == utc(2025, 3, 29, 7)
    assert due_at(utc(2025, 3, 30, 0), 7, LONDON) == utc(2025, 3, 30, 6)
    assert due_at(utc(2025, 10, 26, 0), 7, LONDON) == utc(2025, 10, 26, 7)
    # An hour the spring-forward skips is sent at the hour after it; a repeated hour, at its first time.
    assert due_at(utc(2025, 3, 9, 5), 2, NEW_YORK) == utc(2025, 3, 9, 7)  # 03:00 EDT
    assert due_at(utc(2025, 11, 2, 4), 1, NEW_YORK) == utc(2025, 11, 2, 5)  # 01:00 EDT, not EST
    # A window that closes after the hour waits for the next day's hour.
    assert due_at(utc(2025, 7, 6, 8), 7, ZoneInfo("UTC")) == utc(2025, 7, 7, 7)
    # Asia/Baku, UTC+4: the window closing at midnight UTC (04:00 there) is sent at 07:00 the same morning.
    assert due_at(utc(2025, 7, 6, 0), 7, ZoneInfo("Asia/Baku")) == utc(2025, 7, 6, 3)


def test_a_missed_hour_is_caught_up_and_later_hours_wait(tmp_path: Path) -> None:
    with smtp_server() as box:
        app = make_app(f"sqlite:///{tmp_path / 'c.sqlite3'}", tmp_path, SMTP_URL=box.url)
        early = add_readers(app, 3, hour=7, name="early")
        late = add_readers(app, 2, hour=10, name="late")
        baku = add_readers(app, 2, hour=7, zone="Asia/Baku", name="baku")
        # The clock was down from before 07:00 UTC until 09:45 on 6 July 2025.
        back = utc(2025, 7, 6, 9, 45)
        Clock(app, back - datetime.now(UTC)).digests()
        assert sorted(box.copies()) == sorted(early + baku)
        Clock(app, utc(2025, 7, 6, 10, 1) - datetime.now(UTC)).digests()
        assert sorted(box.copies()) == sorted(early + baku + late)
        assert set(box.copies().values()) == {1}


def _clock_process(env: dict[str, str], now: datetime) -> subprocess.Popen[str]:
    bin_dir = str(Path(sys.executable).parent)
    full = {**os.environ, **env, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", "")}
    command = f"exec {procfile_command('clock')} --now {now.isoformat()}"
    return subprocess.Popen(["bash", "-c", command], cwd=ROOT, env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def test_two_clocks_on_one_postgres_build_and_send_once(pg_url: str, tmp_path: Path) -> None:
    with smtp_server() as box:
        app = make_app(pg_url, tmp_path, SMTP_URL=box.url)
        with app.app_context(), db.get_engine().begin() as conn:
            conn.execute(digests.delete())  # the clocks build it themselves
        politics = add_readers(app, 40, topic="politics")
        everything = add_readers(app, 20, topic="all", name="all")
        env = {"FEEDSVC_DATABASE_URL": pg_url, "FEEDSVC_SMTP_URL": box.url, "FEEDSVC_CORPUS_DIR": str(SEEDS),
               "FEEDSVC_SEND_EVERY_SECONDS": "1", "FEEDSVC_BASE_URL": "https://news.example.org"}
        at = utc(2025, 7, 6, 7, 5)
        clocks = [_clock_process(env, at), _clock_process(env, at)]
        def settled() -> bool:
            assert all(c.poll() is None for c in clocks), "a clock stopped"
            # Every message is in a final state: nothing is queued or handed that a clock could send again.
            return len(box.received) >= 60 and ledger_counts(app) == {"sent": 60}

        try:
            wait_for(settled, timeout=90, what="60 messages received and the ledger settled")
        finally:
            for c in clocks:
                os.killpg(c.pid, signal.SIGTERM)
            logs = [c.communicate(timeout=20)[0] for c in clocks]
        assert sorted(box.copies()) == sorted(politics + everything), logs
        assert set(box.copies().values()) == {1}, logs
        assert all("clock started" in log for log in logs)
        built = [line for log in logs for line in log.splitlines() if "digest politics 2025-07-05: built" in line]
        assert len(built) == 1, logs
        with app.app_context(), db.get_engine().connect() as conn:
            per_day = conn.execute(select(digests.c.topic, func.count()).where(digests.c.day == "2025-07-05")
                                   .group_by(digests.c.topic)).all()
        assert per_day and all(n == 1 for _, n in per_day)
        assert ledger_counts(app) == {"sent": 60}


def test_dev_server_runs_one_clock_under_the_reloader(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "FEEDSVC_DATABASE_URL": f"sqlite:///{tmp_path / 'dev.sqlite3'}",
           "FEEDSVC_CORPUS_DIR": str(SEEDS), "FEEDSVC_CLOCK_IN_WEB": "true", "FEEDSVC_SEND_EVERY_SECONDS": "1"}
    flask = str(Path(sys.executable).parent / "flask")
    proc = subprocess.Popen([flask, "--app", "feedsvc", "run", "--reload", "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    engine = db.make_engine(env["FEEDSVC_DATABASE_URL"])
    def digests_built() -> bool:  # the clock ingests the corpus and builds yesterday's digests
        with engine.connect() as conn:
            return "digests" in inspect(conn).get_table_names() and bool(
                conn.scalar(select(func.count()).select_from(digests)))

    def serving() -> bool:  # the reloader's server process is up, past the point where it starts a clock
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds.opml", timeout=2).close()
            return True
        except OSError:
            return False

    try:
        wait_for(digests_built, timeout=60, what="the clock in the dev server to build digests")
        wait_for(serving, timeout=30, what="the dev server to answer")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=20)[0]
        engine.dispose()
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(digests)), output
    assert output.count("feedsvc clock running in this process") == 1, output


def test_web_processes_never_run_the_clock(tmp_path: Path) -> None:
    from feedsvc import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}", "CLOCK_IN_WEB": "true"})
    assert "feedsvc.clock" not in app.extensions  # created outside `flask run`, as gunicorn does




def test_sending_follows_each_readers_clock_on_the_day_dst_starts(tmp_path: Path) -> None:
    import json

    folder = tmp_path / "day"
    folder.mkdir()
    (folder / "d.jsonl").write_text(json.dumps({"title": "Parliament passes the budget bill", "source": "apa",
                                                "topics": ["politics"], "published": "2025-03-29T10:00:00+00:00"}))
    with smtp_server() as box:
        app = make_app(f"sqlite:///{tmp_path / 'dst.sqlite3'}", tmp_path, build=None, SMTP_URL=box.url,
                       CORPUS_DIR=str(folder))
        joined = utc(2025, 3, 1)
        london = add_readers(app, 2, hour=7, zone="Europe/London", name="london", joined=joined)
        utc_readers = add_readers(app, 2, hour=7, zone="UTC", name="utc", joined=joined)
        # 06:30 UTC on 30 March 2025 is 07:30 in London, where summer time began at 01:00 UTC.
        Clock(app, utc(2025, 3, 30, 6, 30) - datetime.now(UTC)).digests()
        assert sorted(box.copies()) == london
        Clock(app, utc(2025, 3, 30, 7, 0) - datetime.now(UTC)).digests()
        assert sorted(box.copies()) == sorted(london + utc_readers)
        assert set(box.copies().values()) == {1}
        subjects = {m["Subject"] for m in box.messages()}
        assert subjects == {"Politics digest, 29 March 2025: Parliament passes the budget bill"}


def test_the_rescan_ingests_new_corpus_files(tmp_path: Path) -> None:
    import json

    from feedsvc import create_app

    folder = tmp_path / "corpus"
    folder.mkdir()
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'r.sqlite3'}", "CORPUS_DIR": str(folder)})
    with app.app_context():
        db.upgrade(db.get_engine())
    clock = Clock(app)
    clock.rescan()
    (folder / "new.jsonl").write_text(json.dumps({"title": "Texas floods kill 24 people", "source": "apa",
                                                  "published": "2025-07-05T09:00:00+04:00"}))
    clock.rescan()
    with app.app_context(), db.get_engine().connect() as conn:
        from feedsvc.store.schema import items

        assert conn.scalar(select(items.c.title)) == "Texas floods kill 24 people"


def test_rescan_and_digest_building_at_once_on_sqlite(tmp_path: Path) -> None:
    """The clock's jobs share a SQLite file with each other and with other processes: writers wait their turn."""
    import json
    import threading

    from feedsvc.digests import jobs
    from feedsvc.ingest import run as corpus
    from feedsvc.topics import sources
    from feedsvc.topics import taxonomy as topics

    folder = tmp_path / "corpus"
    folder.mkdir()
    for n in range(150):
        (folder / f"f{n:03d}.jsonl").write_text("\n".join(json.dumps({
            "title": f"Minister {n} meets envoy {k} on trade corridor", "source": "apa", "topics": ["politics"],
            "published": f"2025-07-{1 + k:02d}T{n % 24:02d}:00:00+00:00"}) for k in range(5)))
    engine = db.make_engine(f"sqlite:///{tmp_path / 'both.sqlite3'}")
    db.upgrade(engine)
    taxonomy = topics.load()
    problems: list[BaseException] = []

    def ingest() -> None:
        try:
            corpus.ingest(engine, [folder], sources=sources.load(None, "UTC"), taxonomy=taxonomy,
                          max_bytes=10**6, authority="test.invalid", workers=1)
        except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
            problems.append(exc)

    writer = threading.Thread(target=ingest)
    writer.start()
    built = 0
    while writer.is_alive() or built < 5:
        day = datetime(2025, 7, 1 + built % 5, tzinfo=UTC).date()
        jobs.build_digest(engine, taxonomy, topic=["all", "politics"][built % 2], day=day, zone=UTC,
                          now=datetime.now(UTC))
        built += 1
        if built > 200:
            break
    writer.join()
    assert not problems, problems
    engine.dispose()
