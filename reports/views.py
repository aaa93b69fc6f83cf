from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """Placeholder home page; the dashboards replace it."""
    return render(request, "reports/home.html")
