"""JSON from clients, read safely: one depth limit and one loader for the API, the pages and the NUL-byte guard.

Python's json module recurses once per nested array or object, so a 2 kB body of 1,000 brackets raises
RecursionError (a 500), and it converts numbers with int(), which refuses more than 4,300 digits with a ValueError.
No input Kvota takes is nested more than a few levels (`changes.2.target`, `rows.3.persons`), so a body nested
deeper than MAX_JSON_DEPTH is refused before it is parsed.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 64

CODE_JSON_TOO_DEEP = "json_too_deep"
CODE_JSON_NUMBER_TOO_LONG = "json_number_too_long"
MESSAGE_JSON_TOO_DEEP = _("The JSON is nested more than %(depth)s levels deep.")
MESSAGE_JSON_NUMBER_TOO_LONG = _("The JSON holds a number with more digits than any value here can have.")

# A JSON string (skipped: brackets inside it do not nest) or one bracket. Possessive, so a long string is one match.
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')
_OPENING = frozenset(b"[{")


class JSONInputError(ValueError):
    """JSON that is refused before or while parsing; `code` and `message` say why."""

    def __init__(self, message, *, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def json_too_deep(data: bytes | str, *, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON text nests arrays and objects more than `limit` levels deep (strings are skipped)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if raw.count(b"[") + raw.count(b"{") <= limit:  # the common case costs two C-speed counts
        return False
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(raw):
        token = match.group()
        if len(token) != 1:
            continue
        if token[0] in _OPENING:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def load_json(data: bytes | str, *, parse_constant=None, strict: bool = True) -> Any:
    """Parse JSON from a client. Raises JSONInputError (too deep; a number of more than Python's 4,300 digits) or
    ValueError (malformed) — never RecursionError. `strict=False` lets control characters into strings."""
    if json_too_deep(data):
        raise JSONInputError(MESSAGE_JSON_TOO_DEEP % {"depth": MAX_JSON_DEPTH}, code=CODE_JSON_TOO_DEEP)
    try:
        return json.loads(data, parse_constant=parse_constant, strict=strict)
    except RecursionError:  # a deep stack before parsing began; the depth check keeps this rare
        raise JSONInputError(MESSAGE_JSON_TOO_DEEP % {"depth": MAX_JSON_DEPTH}, code=CODE_JSON_TOO_DEEP) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:
        if "digits" in str(exc):  # "Exceeds the limit (4300 digits) for integer string conversion"
            raise JSONInputError(MESSAGE_JSON_NUMBER_TOO_LONG, code=CODE_JSON_NUMBER_TOO_LONG) from None
        raise


def nul_field_path(value: Any, prefix: str | None = None) -> tuple[bool, str | None]:
    """Whether decoded JSON holds a NUL character, and the dotted path of the first field that does (`rows.1.region`;
    None for the top level). A NUL in a key names the object that holds the key."""
    if isinstance(value, str):
        return "\x00" in value, prefix
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return False, None
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return True, prefix
        found, path = nul_field_path(item, f"{prefix}.{key}" if prefix is not None else str(key))
        if found:
            return True, path
    return False, None


def _strict_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with the depth limit and clear 400s (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES)."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parsers.get_encoding(parser_context)
        raw = stream.read() if stream is not None else b""
        try:
            text = codecs.decode(raw, encoding)
            return load_json(text, parse_constant=_strict_constant if self.strict else None)
        except JSONInputError as exc:
            raise ParseError(exc.message, code=exc.code) from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
