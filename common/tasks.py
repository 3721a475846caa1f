from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task(name="common.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete sessions past their expiry (what `manage.py clearsessions` does), daily from beat."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(name="common.purge_expired_api_tokens")
def purge_expired_api_tokens() -> int:
    """Delete knox API tokens past their expiry, daily from beat. Expired tokens never authenticate;
    this keeps the table small."""
    from knox.models import get_token_model

    deleted, _ = get_token_model().objects.filter(expiry__lt=timezone.now()).delete()
    return deleted
