from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from programs.models import CountyOffice, MonthlyReport, Province, Scheme, Target, User

admin.site.register(User, UserAdmin)
admin.site.register(Province)
admin.site.register(CountyOffice)
admin.site.register(Scheme)
admin.site.register(MonthlyReport)
admin.site.register(Target)
