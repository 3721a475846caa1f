"""Helpers for HTML pages: role gates (the page counterpart of common.permissions)."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .roles import user_role

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def role_required(*roles: str, writers: frozenset[str] | set[str] | None = None):
    """Anonymous visitors go to the login page; a signed-in user of another role gets the 403 page.

    With `writers`, a page that readers of `roles` may see is changed (POST) only by users of those roles: the others
    get the 403 page before the view runs, and the view learns which it is from `request.page_may_write` (to show or
    hide its forms) instead of deciding it again."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = user_role(request.user)
            if role not in roles:
                raise PermissionDenied
            if writers is not None:
                request.page_may_write = role in writers
                if request.method not in SAFE_METHODS and not request.page_may_write:
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
