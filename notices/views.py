"""The work list (home page after login) and the notices list.

Each list is limited to the user's scope by notices.worklist (the user's own
province, or the provinces programs.access lets them see); notices are personal:
another person's notice answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notices import services, worklist
from notices.models import Notice


@login_required
def home(request):
    kind = worklist.role_of(request.user)
    if kind == "country":
        work = worklist.country_work(request.user)
        context = {"country": work, "cycle": work.cycle}
    else:
        work = worklist.province_work(request.user.province)
        context = {"work": work, "cycle": work.cycle}
    return render(request, f"notices/home_{kind}.html", {"kind": kind, **context})


@login_required
def notice_list(request):
    notices = Notice.objects.for_user(request.user)[:200]
    return render(request, "notices/list.html", {"notices": notices})


@require_POST
@login_required
def mark_read(request, pk: int):
    notice = get_object_or_404(Notice.objects.for_user(request.user), pk=pk)
    services.mark_read(user=request.user, notice_id=notice.pk)
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        notice.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notice.url)
    return redirect("notices:list")


@require_POST
@login_required
def mark_all_read(request):
    services.mark_read(user=request.user)
    return redirect("notices:list")
