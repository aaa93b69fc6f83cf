"""Time stamps on records by the one clock (reliefjobs.lib.clock).

Django's `auto_now` fields and django-simple-history stamp records with the
system clock; these stamp them with `clock.now()`, so that on a pinned day
(RELIEFJOBS_TODAY, tests) a month's history, its transitions and the audit
trail's dates agree with the deadlines and the periods the rules saw.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from reliefjobs.lib import clock


class StampField(models.DateTimeField):
    """A DateTimeField whose auto_now / auto_now_add take the time from the one clock."""

    def pre_save(self, model_instance, add):
        if self.auto_now or (self.auto_now_add and add):
            value = clock.now()
            setattr(model_instance, self.attname, value)
            return value
        return super().pre_save(model_instance, add)


class History(HistoricalRecords):
    """simple_history's records, dated by the one clock."""

    def create_historical_record(self, instance, history_type, using=None):
        if hasattr(instance, "_history_date"):
            return super().create_historical_record(instance, history_type, using)
        instance._history_date = clock.now()
        try:
            return super().create_historical_record(instance, history_type, using)
        finally:
            del instance._history_date
