"""Agent banks and funding sources: reference lists, national admins only.

Loan and referral lines are edited inline on a monthly report (programs.admin).
"""

from django.contrib import admin

from loans.models import Bank, FundingSource
from programs.admin import ReferenceAdmin


@admin.register(Bank)
class BankAdmin(ReferenceAdmin):
    pass


@admin.register(FundingSource)
class FundingSourceAdmin(ReferenceAdmin):
    pass
