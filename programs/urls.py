from django.urls import path

from programs import views

app_name = "entry"

urlpatterns = [
    path("entry/", views.entry_home, name="home"),
    path("entry/<str:code>/<int:year>/", views.matrix, name="matrix"),
    path("entry/office/<int:office_id>/<int:year>/<int:month>/", views.month, name="month"),
    path(
        "entry/office/<int:office_id>/<int:year>/<int:month>/step/",
        views.transition,
        name="transition",
    ),
    path("entry/<str:code>/notes/", views.notes, name="notes"),
    path("entry/<str:code>/notes/new/", views.note_edit, name="note_new"),
    path("entry/<str:code>/notes/<int:pk>/", views.note_edit, name="note_edit"),
    path("entry/<str:code>/<int:year>/<int:month>/sheet.xlsx", views.sheet, name="sheet"),
    path("entry/<str:code>/sheet/", views.sheet_pick, name="sheet_pick"),
    path("entry/<str:code>/upload/", views.upload, name="upload"),
    path("entry/<str:code>/upload/confirm/", views.upload_confirm, name="upload_confirm"),
]
