import logging
import time
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .errors import MESSAGE_NUL_BYTE, is_api_request, json_error
from .parsers import load_json, nul_field_path

logger = logging.getLogger("kvota.security")

_TEXT_BODIES = ("application/json", "application/x-www-form-urlencoded", "text/")


class RejectNulBytesMiddleware:
    """Refuse NUL characters in the path, query string or a text body with a 400.

    PostgreSQL cannot store NUL in text and raises deep inside the ORM (a 500): one guard here covers
    every lookup, filter and form. Binary uploads (multipart) are left to their own validators.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found, field = self._find_nul(request)
        if found:
            logger.warning("Refused a request with a NUL byte: %r (field %r)", request.path[:200], field)
            if is_api_request(request):
                return json_error(400, code="null_characters_not_allowed", message=MESSAGE_NUL_BYTE, field=field)
            return render(request, "400.html", {"message": MESSAGE_NUL_BYTE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _find_nul(request) -> tuple[bool, str | None]:
        """Whether the request holds a NUL, and the dotted path of its field where the body is JSON."""
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True, None
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(_TEXT_BODIES):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                if content_type.startswith("application/json"):
                    return _nul_in_json(body)
                return True, None
            if content_type.startswith("application/x-www-form-urlencoded") and b"%00" in body:
                return True, None
        return False, None


def _nul_in_json(body: bytes) -> tuple[bool, str | None]:
    """Decode the body to name the field (`rows.1.region`); a body that cannot be decoded is refused as a whole."""
    try:
        # strict=False: a raw NUL inside a string still decodes, so its field can be named.
        return nul_field_path(load_json(body.decode("utf-8"), strict=False))
    except ValueError:  # malformed, too deep, not UTF-8 (UnicodeDecodeError is a ValueError)
        return True, None


LOGIN_AT_KEY = "_kvota_login_at"
LAST_ACTIVITY_KEY = "_kvota_last_activity"
# Writing the session on every request would cost a write per request: a minute's precision is enough.
ACTIVITY_GRANULARITY_SECONDS = 60
MESSAGE_SESSION_IDLE = _("You were signed out after a period of inactivity. Please sign in again.")
MESSAGE_SESSION_ENDED = _("Your session has reached its maximum length. Please sign in again.")


class SessionExpiryMiddleware:
    """End a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, or SESSION_COOKIE_AGE
    seconds after login whatever the activity (an absolute limit that activity cannot extend).

    Runs after authentication and messages. Token-authenticated API calls carry no session and are
    bounded by the token's own expiry instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = int(time.time())
        login_at = session.get(LOGIN_AT_KEY)
        last_activity = session.get(LAST_ACTIVITY_KEY)
        if login_at is None or last_activity is None:
            # A session from before this middleware existed: start counting now.
            session[LOGIN_AT_KEY] = login_at = now if login_at is None else login_at
            session[LAST_ACTIVITY_KEY] = last_activity = now
        if now - login_at > settings.SESSION_COOKIE_AGE:
            self._end(request, user, MESSAGE_SESSION_ENDED, "session_expired_absolute")
        elif now - last_activity > settings.SESSION_IDLE_TIMEOUT:
            self._end(request, user, MESSAGE_SESSION_IDLE, "session_expired_idle")
        elif now - last_activity >= ACTIVITY_GRANULARITY_SECONDS:
            session[LAST_ACTIVITY_KEY] = now

    @staticmethod
    def _end(request, user, message, event):
        from .security import log_security_event

        username = user.get_username()
        # logout() flushes the session and sends user_logged_out (logged as "logout" too).
        logout(request)
        log_security_event(event, request=request, username=username)
        if not is_api_request(request):
            messages.warning(request, message)
