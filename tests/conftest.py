"""Shared test fixtures and the service markers.

Tests marked `postgres`, `redis` or `browser` need that real service. Without it they are deselected,
unless KVOTA_REQUIRE names the service (as .ci/run does): then they fail, never skip.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

SERVICE_MARKERS = ("postgres", "redis", "browser")


def required_services() -> set[str]:
    return {name.strip() for name in os.environ.get("KVOTA_REQUIRE", "").split(",") if name.strip()}


def chromium_path() -> str | None:
    configured = os.environ.get("KVOTA_CHROMIUM", "/usr/bin/chromium")
    return configured if Path(configured).exists() else shutil.which("chromium")


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL") or settings.CELERY_BROKER_URL
    return url if url.startswith("redis://") else None


def service_missing(name: str) -> str | None:
    """Why the service is not available, or None when it is."""
    if name == "postgres":
        engine = settings.DATABASES["default"]["ENGINE"]
        return None if engine == "django.db.backends.postgresql" else f"DATABASE_URL is not PostgreSQL ({engine})"
    if name == "redis":
        return None if redis_url() else "neither REDIS_URL nor CELERY_BROKER_URL names a Redis server"
    if name == "browser":
        return None if chromium_path() else "Chromium not found (set KVOTA_CHROMIUM)"
    raise ValueError(name)


def pytest_collection_modifyitems(config, items):
    required = required_services()
    unknown = required - set(SERVICE_MARKERS)
    if unknown:
        raise pytest.UsageError(f"KVOTA_REQUIRE names unknown services: {', '.join(sorted(unknown))}")
    kept, deselected = [], []
    for item in items:
        missing = [m for m in SERVICE_MARKERS if item.get_closest_marker(m) and service_missing(m)]
        if missing and not set(missing) <= required:
            deselected.append(item)
        else:
            kept.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_runtest_setup(item):
    for marker in SERVICE_MARKERS:
        if item.get_closest_marker(marker):
            reason = service_missing(marker)
            if reason:
                pytest.fail(f"KVOTA_REQUIRE names {marker!r} but it is not available: {reason}", pytrace=False)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
