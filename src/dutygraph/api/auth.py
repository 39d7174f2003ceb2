"""Who may do what: bearer tokens, their roles, and what each role may do.

Reading is open to callers on this machine (loopback). Everything that writes
— imports, disputes, decisions — needs ``Authorization: Bearer <token>``
with a token whose role grants the action:

===========  ===================================================
role         may
===========  ===================================================
viewer       read (from any host the server listens on)
coordinator  read; open, argue and decide disputes (``decide``)
loader       read; import bundles and published lists (``load``)
===========  ===================================================

Tokens come from ``DUTYGRAPH_TOKENS`` (``"token:role,token:role:name"``) or
from the file named by ``DUTYGRAPH_TOKENS_FILE`` (one ``token:role`` or
``token:role:name`` a line, ``#`` comments) — never from a command-line flag,
where other users could see them. A token may name the person who holds it
(``k3y-f0r-wang:coordinator:王芳``): the dispute history and the audit log then
record that name, not only the role.

>>> tokens = parse_tokens("s3cret-load:loader, s3cret-view:viewer, s3cret-wang:coordinator:王芳")
>>> role_of(tokens, "Bearer s3cret-load"), role_of(tokens, "Bearer nope"), role_of(tokens, None)
('loader', None, None)
>>> who = role_of(tokens, "Bearer s3cret-wang")
>>> who, who.person, person_of(who), person_of(role_of(tokens, "Bearer s3cret-view"))
('coordinator', '王芳', '王芳', None)
>>> may("coordinator", "decide"), may("viewer", "decide"), may(None, "read")
(True, False, False)
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    from .permissions import Allowed

__all__ = [
    "GRANTS",
    "ROLES",
    "Allowed",
    "Principal",
    "lang_of",
    "load_tokens",
    "may",
    "parse_tokens",
    "person_of",
    "role_of",
]

#: role -> the actions it may perform
GRANTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "coordinator": frozenset({"read", "decide"}),
    "loader": frozenset({"read", "load"}),
}
ROLES = tuple(GRANTS)

#: a token shorter than this is refused: it could be guessed
MIN_TOKEN_LENGTH = 8


class Principal(str):
    """A token's role (the string itself, as everywhere roles go) and the person it names.

    A ``str``, so every place that takes a role takes it; ``person`` is the name
    written after the role in the token setting (``None``: the token names nobody).
    """

    person: str | None

    def __new__(cls, role: str, person: str | None = None) -> Principal:
        self = super().__new__(cls, role)
        self.person = person
        return self


def person_of(role: str | None) -> str | None:
    """The person a role from :func:`role_of` names (``None``: nobody, or no token)."""
    return getattr(role, "person", None)


def parse_tokens(text: str, where: str = "DUTYGRAPH_TOKENS") -> dict[str, str]:
    """``token:role`` or ``token:role:name`` separated by commas or newlines (``#`` comments).

    The values are the roles, each a :class:`Principal` carrying the name.
    """
    tokens: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0]
        for part in line.split(","):
            part = part.strip()
            if not part:
                continue
            token, person = _split(part)
            token, sep, role = token.rpartition(":")
            token, role = token.strip(), role.strip()
            place = f"{where}, line {n}" if "\n" in text.strip() else where
            if not sep or not token:
                raise UsageError(
                    f"{place}: {part!r} is not token:role or token:role:name; write e.g. "
                    "'k3y-f0r-me:viewer' or 'k3y-f0r-wang:coordinator:王芳'"
                )
            if role not in GRANTS:
                raise UsageError(f"{place}: unknown role {role!r}; use one of {', '.join(ROLES)}")
            if len(token) < MIN_TOKEN_LENGTH:
                raise UsageError(
                    f"{place}: a token of {len(token)} characters is too easy to guess; "
                    f"use at least {MIN_TOKEN_LENGTH} (e.g. from `python -c 'import secrets; "
                    "print(secrets.token_urlsafe())'`)"
                )
            tokens[token] = Principal(role, person)
    return tokens


def _split(part: str) -> tuple[str, str | None]:
    """``token:role`` and the name after a third field, if any (``None``: no name)."""
    head, sep, last = part.rpartition(":")
    if sep and last.strip() not in GRANTS and head.rpartition(":")[2].strip() in GRANTS:
        return head, last.strip() or None
    return part, None


def load_tokens(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tokens configured in ``DUTYGRAPH_TOKENS`` and ``DUTYGRAPH_TOKENS_FILE`` (both may be set)."""
    env = os.environ if environ is None else environ
    tokens: dict[str, str] = {}
    path = env.get("DUTYGRAPH_TOKENS_FILE")
    if path:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"DUTYGRAPH_TOKENS_FILE={path}: cannot read it ({exc.strerror}); "
                "point it at a file of token:role lines"
            ) from None
        tokens.update(parse_tokens(text, path))
    if env.get("DUTYGRAPH_TOKENS"):
        tokens.update(parse_tokens(env["DUTYGRAPH_TOKENS"]))
    return tokens


def role_of(tokens: Mapping[str, str], authorization: str | None) -> str | None:
    """The role of the bearer token in an ``Authorization`` header (``None``: none or unknown)."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    token = token.strip()
    found = None
    for known, role in tokens.items():  # compare every one, in constant time
        if hmac.compare_digest(known.encode(), token.encode()):
            found = role
    return found


def may(role: str | None, action: str) -> bool:
    """Whether ``role`` grants ``action`` (no role grants nothing)."""
    return role is not None and action in GRANTS.get(role, frozenset())


def holders(action: str) -> str:
    """The roles that grant ``action``, for a message: ``"coordinator"``, ``"viewer or loader"``."""
    return " or ".join(r for r, acts in GRANTS.items() if action in acts)


def __getattr__(name: str) -> Any:
    """:class:`~dutygraph.api.permissions.Allowed`, imported when first asked for.

    It is a strawberry permission: what checks a token (:func:`role_of`) is
    wanted by the plain ``/api/*`` routes before strawberry is imported.
    """
    if name == "Allowed":
        from .permissions import Allowed

        return Allowed
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def lang_of(headers: Any) -> str:
    """The language a request asks for: ``en`` when its ``Accept-Language`` begins with
    English (``en``, ``en-US``, ``en;q=0.9, zh``), else ``zh`` — Chinese first.

    >>> lang_of({"accept-language": "en-GB,en;q=0.9"}), lang_of({"accept-language": "zh-CN"})
    ('en', 'zh')
    >>> lang_of({})
    'zh'
    """
    first = str(headers.get("accept-language") or "").split(",", 1)[0].strip().lower()
    return "en" if first == "en" or first.startswith(("en-", "en;")) else "zh"
