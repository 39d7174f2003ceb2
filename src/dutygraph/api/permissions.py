"""The strawberry permission every mutation carries: :class:`Allowed` (roles: :mod:`.auth`).

Apart from :mod:`.auth` so that checking a token needs no strawberry: the
plain ``/api/*`` routes answer before strawberry is imported (``serve``).
"""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from ..errors import Forbidden, Unauthenticated
from .auth import GRANTS, holders, may

__all__ = ["Allowed"]


class Allowed(BasePermission):
    """A field that needs a bearer token whose role grants ``action``.

    Use it on every mutation::

        @strawberry.mutation(extensions=[PermissionExtension([Allowed("decide")])])
    """

    def __init__(self, action: str) -> None:
        if not any(action in acts for acts in GRANTS.values()):
            raise ValueError(f"no role grants {action!r}; add it to GRANTS")
        self.action = action
        self.message = f"this needs a bearer token of a role that may {action} ({holders(action)})"

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        role = info.context.role
        if may(role, self.action):
            return True
        if role is None:
            raise Unauthenticated(
                f"this needs a bearer token of a role that may {self.action} "
                f"({holders(self.action)}); send 'Authorization: Bearer <token>'"
            )
        raise Forbidden(
            f"the {role} role may not {self.action}; it needs a {holders(self.action)} token"
        )
