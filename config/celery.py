"""The Celery app. Beat schedules are rows created by `manage.py setup_periodic_tasks`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kvota")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
