from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="common.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (what `manage.py clearsessions` does), daily from beat."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
