"""Keep derived data right when a row changes outside programs.services.

The write path for figures (programs.services) refreshes rollups and the
cache itself; these receivers cover what it does not see: the admin editing
reference data (names shown in cached views), targets, a report's status,
field notes,
deleting a monthly report, or moving a county office to another province.
They only refresh derived data; no domain rule lives here.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
from programs.models import (
    CountyOffice,
    FieldNote,
    JobsFigure,
    MonthlyReport,
    Province,
    Scheme,
    Target,
    User,
)
from reliefjobs import auth
from reports import cache, rollups

_SHOWN_IN_VIEWS = (
    Province,
    CountyOffice,
    Scheme,
    Bank,
    FundingSource,
    Target,
    MonthlyReport,
    JobsFigure,
    LoanFigure,
    ReferralFigure,
    FieldNote,
)


def _invalidate(sender, **kwargs):
    if kwargs.get("raw"):  # loaddata: the caller rebuilds
        return
    cache.invalidate()


for _model in _SHOWN_IN_VIEWS:
    post_save.connect(
        _invalidate, sender=_model, dispatch_uid=f"reports-cache-save-{_model.__name__}"
    )
    post_delete.connect(
        _invalidate, sender=_model, dispatch_uid=f"reports-cache-delete-{_model.__name__}"
    )


@receiver(post_delete, sender=MonthlyReport, dispatch_uid="reports-rollup-report-deleted")
def _report_deleted(sender, instance, **kwargs):
    rollups.refresh({(instance.office_id, instance.year, instance.month)})


@receiver(pre_save, sender=CountyOffice, dispatch_uid="reports-rollup-office-moving")
def _office_moving(sender, instance, raw=False, **kwargs):
    instance._rollup_old_province_id = None
    if instance.pk and not raw:
        instance._rollup_old_province_id = (
            CountyOffice.objects.filter(pk=instance.pk)
            .values_list("province_id", flat=True)
            .first()
        )


@receiver(post_save, sender=CountyOffice, dispatch_uid="reports-rollup-office-moved")
def _office_moved(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_rollup_old_province_id", None)
    if not raw and old is not None and old != instance.province_id:
        rollups.refresh_offices([instance.pk], also_province_ids=[old])


# Logged-in requests read the user (and its province) from the cache.
for _model in (User, Province):
    post_save.connect(
        auth.users_changed, sender=_model, dispatch_uid=f"auth-user-save-{_model.__name__}"
    )
    post_delete.connect(
        auth.users_changed, sender=_model, dispatch_uid=f"auth-user-delete-{_model.__name__}"
    )
