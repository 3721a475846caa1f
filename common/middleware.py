import logging
from urllib.parse import unquote_to_bytes

from django.shortcuts import render

from .errors import MESSAGE_NUL_BYTE, is_api_request, json_error

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
        if self._has_nul(request):
            logger.warning("Refused a request with a NUL byte: %r", request.path[:200])
            if is_api_request(request):
                return json_error(400, code="null_characters_not_allowed", message=MESSAGE_NUL_BYTE)
            return render(request, "400.html", {"message": MESSAGE_NUL_BYTE}, status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(_TEXT_BODIES):
            body = request.body
            if b"\x00" in body or b"\\u0000" in body:
                return True
            if content_type.startswith("application/x-www-form-urlencoded") and b"%00" in body:
                return True
        return False
