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

Tokens come from ``DUTYGRAPH_TOKENS`` (``"token:role,token:role"``) or from
the file named by ``DUTYGRAPH_TOKENS_FILE`` (one ``token:role`` a line, ``#``
comments) — never from a command-line flag, where other users could see them.

>>> tokens = parse_tokens("s3cret-load:loader, s3cret-view:viewer")
>>> role_of(tokens, "Bearer s3cret-load"), role_of(tokens, "Bearer nope"), role_of(tokens, None)
('loader', None, None)
>>> may("coordinator", "decide"), may("viewer", "decide"), may(None, "read")
(True, False, False)
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from strawberry.permission import BasePermission

from ..errors import UsageError

__all__ = [
    "GRANTS",
    "ROLES",
    "Allowed",
    "load_tokens",
    "may",
    "parse_tokens",
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


def parse_tokens(text: str, where: str = "DUTYGRAPH_TOKENS") -> dict[str, str]:
    """``token:role`` pairs separated by commas or newlines (``#`` starts a comment)."""
    tokens: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0]
        for part in line.split(","):
            part = part.strip()
            if not part:
                continue
            token, sep, role = part.rpartition(":")
            token, role = token.strip(), role.strip()
            place = f"{where}, line {n}" if "\n" in text.strip() else where
            if not sep or not token:
                raise UsageError(
                    f"{place}: {part!r} is not token:role; write e.g. 'k3y-f0r-me:viewer'"
                )
            if role not in GRANTS:
                raise UsageError(f"{place}: unknown role {role!r}; use one of {', '.join(ROLES)}")
            if len(token) < MIN_TOKEN_LENGTH:
                raise UsageError(
                    f"{place}: a token of {len(token)} characters is too easy to guess; "
                    f"use at least {MIN_TOKEN_LENGTH} (e.g. from `python -c 'import secrets; "
                    "print(secrets.token_urlsafe())'`)"
                )
            tokens[token] = role
    return tokens


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


def _holders(action: str) -> str:
    return " or ".join(r for r, acts in GRANTS.items() if action in acts)


class Allowed(BasePermission):
    """A field that needs a bearer token whose role grants ``action``.

    Use it on every mutation::

        @strawberry.mutation(extensions=[PermissionExtension([Allowed("decide")])])
    """

    def __init__(self, action: str) -> None:
        if not any(action in acts for acts in GRANTS.values()):
            raise ValueError(f"no role grants {action!r}; add it to GRANTS")
        self.action = action
        self.message = f"this needs a bearer token of a role that may {action} ({_holders(action)})"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        role = info.context.role
        if may(role, self.action):
            return True
        if role is None:
            self.message = (
                f"this needs a bearer token of a role that may {self.action} "
                f"({_holders(self.action)}); send 'Authorization: Bearer <token>'"
            )
        else:
            self.message = (
                f"the {role} role may not {self.action}; it needs a {_holders(self.action)} token"
            )
        return False
