from django.urls import path, register_converter

from reports import api, views


class ExportFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ExportFormat, "fmt")

urlpatterns = [
    path("", views.home, name="home"),
    path("province/<str:code>/", views.province, name="province"),
    path("office/<int:pk>/", views.office, name="office"),
    path("breakdowns/", views.breakdowns, name="breakdowns"),
    path("completeness/", views.completeness, name="completeness"),
    path("export/<slug:view>/<slug:chart>.<fmt:fmt>", views.export, name="export"),
    path("api/v1/progress", api.progress, name="api_progress"),
    path("api/v1/monthly", api.monthly, name="api_monthly"),
]
