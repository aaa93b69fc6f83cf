from django.urls import path

from programs import audit_views

urlpatterns = [
    path("audit/", audit_views.audit_log, name="audit"),
    path("audit/audit.csv", audit_views.audit_csv, name="audit_csv"),
]
