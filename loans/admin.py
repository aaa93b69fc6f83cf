from django.contrib import admin

from loans.models import Bank, FundingSource

admin.site.register(Bank)
admin.site.register(FundingSource)
