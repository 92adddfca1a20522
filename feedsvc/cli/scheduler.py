"""The clock: APScheduler runs the corpus re-scan, and digest building then sending, in one process.

Every job works out what is due from the store, not from the moment it fires, so a clock that was down
at 07:00 catches up when it comes back, and two clocks by mistake do each thing once: a digest is stored
once per (topic, day) and a message is claimed by one sender only. Web processes never run jobs; a
laptop may run the clock inside ``flask run`` (FEEDSVC_CLOCK_IN_WEB), once, never in the reloader's watcher.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import with_appcontext
from werkzeug.serving import is_running_from_reloader

from .. import context
from ..digests import jobs
from ..errors import FeedsvcError
from ..mail import configured
from ..store import db
from .ingest import ingest, run_counts
from .options import NOW, aware

log = logging.getLogger("feedsvc.clock")


class Clock:
    """The jobs, bound to an app; ``offset`` shifts the clock's idea of now (for catch-up runs and tests)."""

    def __init__(self, app: Flask, offset: timedelta = timedelta(0)) -> None:
        self.app, self.offset = app, offset
        self.run = uuid.uuid4().hex

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def rescan(self) -> None:
        """Ingest new and changed files of the corpus folder."""
        with self.app.app_context():
            summary, announced, problems = ingest(db.get_engine(), [context.corpus_dir()], origin="clock")
            log.info("rescan: %s", "; ".join(summary.lines()[:3]),
                     extra={"facts": {"event": "ingest", "origin": "clock", **run_counts(summary)}})
            for failure in summary.failures:
                log.warning("rescan: failed: %s", failure,
                            extra={"facts": {"event": "ingest_failure", "path": failure.path,
                                             "line": failure.line, "reason": failure.reason}})
            for line in filter(None, [announced]):
                log.info("rescan: %s", line)
            for problem in problems:
                log.warning("rescan: %s", problem)

    def digests(self) -> None:
        """Build yesterday's digests that are missing, then send what is due."""
        now = self.now()
        with self.app.app_context():
            engine = db.get_engine()
            zone = ZoneInfo(self.app.config["FEEDSVC"]["DIGEST_TIMEZONE"])
            for run in jobs.build_due(engine, context.load_taxonomy(), zone=zone, now=now):
                if run.outcome != "exists":
                    d = run.record.digest
                    log.info("digest %s %s: %s, %d stories", d.topic, d.day, run.outcome, d.story_count,
                             extra={"facts": {"event": "digest", "topic": d.topic, "day": str(d.day),
                                              "outcome": run.outcome, "stories": d.story_count,
                                              "items": d.item_count}})
            report = configured.sender(engine, self.run).run_once(now)
            if report.queued or report.outcomes or report.stopped:
                log.info("send: %s", "; ".join(report.lines()),
                         extra={"facts": {"event": "send", "queued": report.queued, "stopped": bool(report.stopped),
                                          **{f"outcome_{k.replace(' ', '_')}": v
                                             for k, v in report.outcomes.items()}}})

    def schedule(self, scheduler: BaseScheduler) -> BaseScheduler:
        cfg = self.app.config["FEEDSVC"]
        first = datetime.now(UTC)  # catch up at once on start
        scheduler.add_job(_logged(self.rescan), "interval", minutes=cfg["RESCAN_MINUTES"], id="rescan",
                          next_run_time=first)
        scheduler.add_job(_logged(self.digests), "interval", seconds=cfg["SEND_EVERY_SECONDS"], id="digests",
                          next_run_time=first)
        return scheduler


def _logged(job: Callable[[], None]) -> Callable[[], None]:
    """A job whose failure is logged with its reason; the clock goes on and the next run tries again."""
    def run() -> None:
        try:
            job()
        except FeedsvcError as exc:
            log.error("%s: %s", getattr(job, "__name__", "job"), exc)
        except Exception:
            log.exception("%s failed", getattr(job, "__name__", "job"))

    run.__name__ = getattr(job, "__name__", "job")
    return run


_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


@click.command("scheduler")
@click.option("--now", type=NOW,
              help="Run as if the clock read this time when it started (catching up, or testing).")
@with_appcontext
def scheduler_command(now: datetime | None) -> None:
    """Run the clock: corpus re-scan, digest building and sending (the Procfile's clock: line)."""
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    db.upgrade(db.get_engine())
    offset = aware(now) - datetime.now(UTC) if now is not None else timedelta(0)
    log.info("clock started%s", f", running as of {now.isoformat()}" if now else "")
    Clock(app, offset).schedule(BlockingScheduler(timezone=UTC, job_defaults=_DEFAULTS)).start()


def start_in_dev_server(app: Flask) -> None:
    """Start the clock in this ``flask run`` process: not in gunicorn, not in other commands, and not in
    the reloader's watcher process (only in the server it restarts)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.command.name != "run":
        return
    reload = ctx.params.get("reload")
    if reload is None:
        reload = app.debug
    if reload and not is_running_from_reloader():
        return
    with app.app_context():
        db.upgrade(db.get_engine())
    scheduler = Clock(app).schedule(BackgroundScheduler(timezone=UTC, job_defaults=_DEFAULTS))
    scheduler.start()
    app.extensions["feedsvc.clock"] = scheduler
    click.echo(" * feedsvc clock running in this process (FEEDSVC_CLOCK_IN_WEB)", err=True)
