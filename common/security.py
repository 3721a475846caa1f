"""Security events: one log line per login, failed login, lockout and refused request (logger kvota.security).

Each line names the event, the user, the client address and the UTC time. Values a client chose
(usernames above all) are escaped, so a CR/LF or other control character cannot start a forged line.
"""

from __future__ import annotations

import ipaddress
import logging
import unicodedata
from datetime import UTC, datetime

from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("kvota.security")

MESSAGE_LOCKED_OUT = _(
    "Too many failed logins for this username from your address. Try again later or ask an administrator."
)
CODE_LOCKED_OUT = "locked_out"
_MAX_LOGGED = 150


def client_ip(request) -> str | None:
    """The client's address, or None. X-Forwarded-For counts only behind TRUSTED_PROXY_COUNT trusted proxies.

    Trusting the header otherwise would let an attacker claim a victim's address and lock them out.
    Also django-axes' AXES_CLIENT_IP_CALLABLE, so lockouts and log lines agree; anything that is not an
    IP address gives None (axes stores addresses in an inet column on PostgreSQL).
    """
    meta = getattr(request, "META", {})
    candidate = meta.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


def clean_for_log(value: object) -> str:
    """A quoted, single-line form of `value`: control, format and line/paragraph separators escaped."""
    text = "" if value is None else str(value)
    if len(text) > _MAX_LOGGED:
        text = text[:_MAX_LOGGED] + "…"
    escaped = []
    for char in text:
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def log_security_event(event: str, *, request=None, username: object = None, level=logging.INFO, **details) -> None:
    """Write one security line: event, user, address, UTC time, then any details (all escaped)."""
    address = (client_ip(request) if request is not None else None) or "-"
    parts = [
        f"event={event}",
        f"user={clean_for_log(username) if username not in (None, '') else '-'}",
        f"ip={clean_for_log(address)}",
        f"at={datetime.now(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}",
    ]
    parts += [f"{key}={clean_for_log(value)}" for key, value in details.items()]
    logger.log(level, " ".join(parts))


def request_username(request) -> str | None:
    user = getattr(request, "user", None)
    return user.get_username() if user is not None and user.is_authenticated else None


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' AXES_LOCKOUT_CALLABLE: 429 in the API's error format, or the login page with a message."""
    from django.contrib.auth.forms import AuthenticationForm
    from django.shortcuts import render

    from .errors import is_api_request, json_error

    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if is_api_request(request):
        response = json_error(429, code=CODE_LOCKED_OUT, message=MESSAGE_LOCKED_OUT)
    else:
        form = AuthenticationForm(request)
        response = render(
            request, "registration/login.html", {"form": form, "locked_out_message": MESSAGE_LOCKED_OUT}, status=429
        )
    response["Retry-After"] = retry_after
    return response
