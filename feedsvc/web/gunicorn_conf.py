"""Gunicorn's settings for the Procfile's ``web:`` line (``gunicorn -c python:feedsvc.web.gunicorn_conf``).

Gunicorn reads this module before it starts anything, so feedsvc's settings are checked here once: a bad
setting prints what is wrong and exits with status 1, rather than each worker failing in turn. Gunicorn's
own records (start, workers, errors) take feedsvc's log format; the access log is written by the app.
"""

from feedsvc import create_app

_settings = create_app().config["FEEDSVC"]

if _settings["LOG_FORMAT"] == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "feedsvc.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": "WARNING", "handlers": []},  # feedsvc's own handler joins it in each worker
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False}},
    }
