"""`{% target_sum_notice province year %}`: a short notice when a province's office
targets do not add up to its province target (programs.target_sums)."""

from django import template

from programs.target_sums import gap_text, target_gaps

register = template.Library()


@register.inclusion_tag("programs/target_sum_notice.html")
def target_sum_notice(province, year):
    gaps = target_gaps(year=int(year), province=province) if province is not None else []
    return {"lines": [gap_text(gap) for gap in gaps]}
