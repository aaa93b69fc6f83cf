"""The one access check: who may see and change which province's data.

Every view, query, export, import and admin screen asks here. A user has a
role (staff, manager, admin) and an optional province; no province means
national scope.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role:
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"
    CHOICES = [
        (STAFF, _("Provincial staff")),
        (MANAGER, _("Manager")),
        (ADMIN, _("System admin")),
    ]
    VALUES = (STAFF, MANAGER, ADMIN)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_admin(user) -> bool:
    return _active(user) and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN)


def is_national(user) -> bool:
    """Sees every province: superusers, and any role without a province."""
    if not _active(user):
        return False
    return user.is_superuser or getattr(user, "province_id", None) is None


def province_q(user, field: str = "province") -> Q:
    """A filter limiting a queryset to what the user may see.

    `field` is the path from the model to its Province, e.g. "office__province".
    """
    if not _active(user):
        return Q(pk__in=[])
    if is_national(user):
        return Q()
    return Q(**{f"{field}_id": user.province_id})


def can_view_province(user, province) -> bool:
    if not _active(user):
        return False
    province_id = getattr(province, "pk", province)
    return is_national(user) or user.province_id == province_id


def can_enter_figures(user, province) -> bool:
    """Staff and admins enter figures, within their scope."""
    return can_view_province(user, province) and (
        user.is_superuser or user.role in (Role.STAFF, Role.ADMIN)
    )


def can_approve(user, province) -> bool:
    """Managers and admins approve or return submitted months, within their scope."""
    return can_view_province(user, province) and (
        user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN)
    )


def can_manage_reference(user) -> bool:
    """Provinces, schemes, banks, funding sources and users: admins only."""
    return is_admin(user) and is_national(user)
