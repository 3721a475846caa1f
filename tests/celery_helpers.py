"""Point the Celery app at another broker for one test, and back."""

import contextlib
import os

from kombu import pools

from config.celery import app


def _drop_connections():
    # kombu keeps global connection/producer pools keyed by broker; forget them all.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def broker_configured(url: str, transport_options: dict, *, eager: bool | None = None):
    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    previous = {key: app.conf[key] for key in keys}
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    previous_env = os.environ.pop("CELERY_BROKER_URL", None)
    app.conf.update(broker_url=url, broker_transport_options=transport_options)
    if eager is not None:
        app.conf.task_always_eager = eager
    _drop_connections()
    try:
        yield app
    finally:
        app.conf.update(previous)
        if previous_env is not None:
            os.environ["CELERY_BROKER_URL"] = previous_env
        _drop_connections()
