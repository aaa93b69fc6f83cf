from django.urls import path

from notices import views

app_name = "notices"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("notices/", views.notice_list, name="list"),
    path("notices/<int:pk>/read/", views.mark_read, name="read"),
    path("notices/read-all/", views.mark_all_read, name="read_all"),
]
