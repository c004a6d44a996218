"""The signed-in caller, and the one place that decides which mess a call acts on."""

from __future__ import annotations

from dataclasses import dataclass

from mess.errors import ErrorCode, Forbidden, InvalidInput

STAFF_ROLES = frozenset({"staff", "warden", "admin"})
MANAGER_ROLES = frozenset({"warden", "admin"})


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    role: str
    mess_id: int | None
    login: str
    name: str
    resident_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_resident(self) -> bool:
        return self.role == "resident"

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {self.role}")

    def mess_for(self, requested: int | None = None) -> int:
        """The mess a call acts on: the caller's own, or for an admin the one named with mess_id."""
        if self.is_admin:
            if requested is None:
                raise InvalidInput("an admin must name the mess with mess_id", ErrorCode.MESS_REQUIRED)
            return requested
        own = self.own_mess_id()
        if requested is not None and requested != own:
            raise Forbidden("you can act only on your own mess", ErrorCode.WRONG_MESS)
        return own

    def own_mess_id(self) -> int:
        """The caller's own mess: every account but an admin's belongs to one."""
        if self.mess_id is None:
            raise Forbidden("this account belongs to no mess", ErrorCode.WRONG_MESS)
        return self.mess_id

    def own_resident_id(self) -> int:
        if self.resident_id is None:
            raise Forbidden("this account is not a resident's")
        return self.resident_id

    def can_see_mess(self, mess_id: int) -> bool:
        return self.is_admin or self.mess_id == mess_id
