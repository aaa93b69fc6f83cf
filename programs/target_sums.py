"""Do a province's county office targets add up to its province target?

A province sets an annual goal and may split it to its county offices
(DOMAIN.md, "Targets"); when the offices' goals do not add up to the
province's, the province page and the targets admin say so and by how much.
One grouped query, whatever the number of offices.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from programs.access import province_q
from programs.models import Measure, Province, Target
from reliefjobs.lib.text import to_persian_digits


@dataclass(frozen=True)
class TargetGap:
    """A province target and the sum of its offices' targets for one year and measure."""

    province: Province
    year: int
    measure: str
    province_target: int
    offices_total: int
    offices: int

    @property
    def difference(self) -> int:
        """Province target minus the offices' sum: > 0 when the offices plan less."""
        return self.province_target - self.offices_total

    @property
    def measure_label(self) -> str:
        return str(Measure(self.measure).label)

    @property
    def is_money(self) -> bool:
        return self.measure == Measure.LOANS_AMOUNT_RIAL


def target_gaps(*, year: int | None = None, province=None, viewer=None) -> list[TargetGap]:
    """Every (province, year, measure) whose office targets exist and do not add up.

    `year` and `province` narrow; `viewer` keeps only provinces they may see.
    """
    targets = Target.objects.all()
    if year is not None:
        targets = targets.filter(year=year)
    if province is not None:
        targets = targets.filter(province=province)  # a Province or its id
    if viewer is not None:
        targets = targets.filter(province_q(viewer))
    rows = (
        targets.order_by()
        .values("province_id", "year", "measure")
        .annotate(
            province_target=Sum("value", filter=Q(office__isnull=True)),
            offices_total=Sum("value", filter=Q(office__isnull=False)),
            offices=Count("office"),
        )
        .filter(province_target__isnull=False, offices__gt=0)
        .order_by("province_id", "-year", "measure")
    )
    rows = [r for r in rows if r["province_target"] != r["offices_total"]]
    provinces = Province.objects.in_bulk({r["province_id"] for r in rows})
    return [
        TargetGap(
            province=provinces[r["province_id"]],
            year=r["year"],
            measure=r["measure"],
            province_target=r["province_target"],
            offices_total=r["offices_total"],
            offices=r["offices"],
        )
        for r in rows
    ]


def amount_text(gap: TargetGap, value: int) -> str:
    """A target figure as people read it: a count with separators, money in toman."""
    from django.utils.translation import gettext as _

    from reliefjobs.lib.money import group_digits, rial_to_toman

    if gap.is_money:
        return f"{group_digits(rial_to_toman(value))} {_('toman')}"
    return group_digits(value)


def gap_text(gap: TargetGap) -> str:
    """«زنجان، فرصت شغلی ایجادشده ۱۴۰۵: هدف استان ۴٬۹۶۰، ادارات شهرستان روی هم ۳٬۴۵۱ (۱٬۵۰۹ کمتر).»"""
    from django.utils.translation import gettext as _

    difference = amount_text(gap, abs(gap.difference))
    if gap.difference > 0:
        difference = _("%(amount)s less") % {"amount": difference}
    else:
        difference = _("%(amount)s more") % {"amount": difference}
    return _(
        "%(name)s, %(measure)s %(year)s: province target %(province)s, its county offices "
        "together %(offices)s (%(difference)s)."
    ) % {
        "name": gap.province.name,
        "measure": gap.measure_label,
        "year": to_persian_digits(gap.year),
        "province": amount_text(gap, gap.province_target),
        "offices": amount_text(gap, gap.offices_total),
        "difference": difference,
    }
