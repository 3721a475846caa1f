"""Login events are the one use of signals here: Django and django-axes announce them, we log them.

Connected in CommonConfig.ready(). Domain logic never lives in signals (STYLE.md).
"""

import logging
import time

from axes.signals import user_locked_out
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .middleware import LAST_ACTIVITY_KEY, LOGIN_AT_KEY
from .security import log_security_event


def _is_session_login(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and session.get(SESSION_KEY) is not None


@receiver(user_logged_in, dispatch_uid="kvota_log_login")
def log_login(sender, request, user, **kwargs):
    session_login = _is_session_login(request)
    if session_login:
        # The absolute and idle limits count from here (common.middleware.SessionExpiryMiddleware).
        now = int(time.time())
        request.session[LOGIN_AT_KEY] = now
        request.session[LAST_ACTIVITY_KEY] = now
    log_security_event(
        "login", request=request, username=user.get_username(), method="session" if session_login else "token"
    )


@receiver(user_login_failed, dispatch_uid="kvota_log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    log_security_event("login_failed", request=request, username=credentials.get("username"), level=logging.WARNING)


@receiver(user_logged_out, dispatch_uid="kvota_log_logout")
def log_logout(sender, request, user, **kwargs):
    log_security_event("logout", request=request, username=user.get_username() if user else None)


@receiver(user_locked_out, dispatch_uid="kvota_log_locked_out")
def log_locked_out(sender, request, username, ip_address, **kwargs):
    log_security_event("locked_out", request=request, username=username, level=logging.WARNING)
