"""Demo data: the published figures of the two seed articles, plausible synthetic
months for every other office, targets and (in development only) demo users.

Published figures (seeds/, DOMAIN.md), loaded exactly:
- Zanjan province, 1397: 2,402 loans, 408,000,000,000 rial, 2,882 jobs, 3,200
  people trained, spread over its 8 county offices and 12 months, loans through
  several banks from صندوق امداد ولایت and منابع بانکی; 1398 target 4,000 jobs.
- Islamshahr (Tehran), 1403: 453 jobs across هدایت شغلی، راهبری شغلی،
  کاریابی، آزادکاری and 536,000,000,000 rial of loans. The article gives no
  loan count; we use ISLAMSHAHR_1403_LOANS = 430 (about 125 million toman a
  loan, close to the 117 million of the 1404 figures below).
- Islamshahr, 1404 months 1-2: 77 loans, 90,000,000,000 rial, 8 jobs by
  کاریابی, 52 people trained.
Those office-months hold only these figures (nothing synthetic is added),
except Zanjan 1397's households leaving support and clients referred to banks:
the article gives only a rate (about 10 % leave support each year), so
ZANJAN_1397_EXITS and ZANJAN_1397_REFERRED are synthetic, at the other years'
rate, rather than a misleading zero. Where published figures have no published
goal (Zanjan 1397, Islamshahr 1403) no target is set (NO_TARGET). A bank's
average loan differs by bank (BANK_LOAN_SIZE).

Everything else is synthetic, from a seeded random generator (the same data on
every machine): 1397 up to the current Jalali month, by the one clock (so a
demo loaded with RELIEFJOBS_TODAY stands on that day). Past years are approved;
in the current year older months are approved and recent months are a mix of
submitted / returned / draft, with some offices missing the latest months; the
month in progress holds drafts in proportion to how much of it has passed
(none on its first day, so on 1 Farvardin the new year is empty).

Idempotent: an office-month or target that exists is left alone, so running it
again creates nothing. Synthetic lines are written with bulk_create and no
historical records (it is generated demo data, not anybody's edit); the
months' totals are computed here, and the rollups are rebuilt once at the end.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from programs.reference import load_reference
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import Period, current_period, days_in_month
from reliefjobs.lib.text import normalize_name

FIRST_YEAR = 1397
ZANJAN, TEHRAN = "IR-19", "IR-23"
ISLAMSHAHR = "اسلامشهر"
ISLAMSHAHR_1403_LOANS = 430
MILLION = 1_000_000  # loan amounts are whole millions of rials

SCHEMES = ("هدایت شغلی", "راهبری شغلی", "کاریابی", "آزادکاری")
FUND, BANK_MONEY = "صندوق امداد ولایت", "منابع بانکی"
SEED_LOAN_CHANNELS = (  # (bank, funding source, share)
    ("بانک قرض‌الحسنه مهر ایران", FUND, 0.35),
    ("بانک ملی ایران", FUND, 0.25),
    ("بانک کشاورزی", BANK_MONEY, 0.2),
    ("بانک رفاه کارگران", FUND, 0.12),
    ("بانک سپه", BANK_MONEY, 0.08),
)
# Zanjan's offices by size (the capital first); unknown names weigh 1.
ZANJAN_WEIGHTS = {
    "زنجان": 3.0,
    "ابهر": 1.5,
    "خدابنده": 1.5,
    "خرمدره": 1.0,
    "طارم": 0.8,
    "ماهنشان": 0.7,
    "ایجرود": 0.6,
    "سلطانیه": 0.6,
}
# Average loan by year in rials (loans grow with prices).
AVERAGE_LOAN = {
    1397: 170 * MILLION,
    1398: 220 * MILLION,
    1399: 300 * MILLION,
    1400: 420 * MILLION,
    1401: 580 * MILLION,
    1402: 800 * MILLION,
    1403: 1_200 * MILLION,
    1404: 1_200 * MILLION,
}

# How a bank's average loan compares with the year's average: qard al-hasan and
# post-bank loans are small, the cooperative-development and agriculture banks'
# larger (so "average loan by bank" differs by bank, as it does in practice).
BANK_LOAN_SIZE = {
    "بانک ملی ایران": 1.1,
    "بانک سپه": 1.0,
    "بانک کشاورزی": 1.35,
    "بانک قرض‌الحسنه مهر ایران": 0.6,
    "بانک رفاه کارگران": 0.9,
    "بانک توسعه تعاون": 1.6,
    "پست بانک ایران": 0.75,
}
# Zanjan 1397's households leaving support and clients referred to banks: the
# article gives only the rate («سالانه ۱۰ درصد از جامعه هدف از چرخه حمایتی خارج
# می‌شوند»), no count; these are synthetic, at the rate of the other years
# (about 15 % of the jobs created, and of the loans paid).
ZANJAN_1397_EXITS = 430
ZANJAN_1397_REFERRED = 360

DEMO_PASSWORD = "demo1234"
DEMO_USERS = (  # username, role, province code (None = national)
    ("zanjan_staff", "staff", ZANJAN),
    ("tehran_staff", "staff", TEHRAN),
    ("zanjan_manager", "manager", ZANJAN),
    ("national_manager", "manager", None),
    ("admin", "admin", None),
)


def split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [math.floor(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class MonthPlan:
    """One office-month to create: its status, scalars and lines."""

    status: str
    trainees: int = 0
    exits: int = 0
    jobs: dict[str, int] = field(default_factory=dict)  # scheme -> persons
    loans: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # -> (count, rial)
    referrals: dict[str, int] = field(default_factory=dict)  # bank -> clients


# The seeds -------------------------------------------------------------------


def _loan_lines(
    count: int, amount: int, rng: random.Random
) -> dict[tuple[str, str], tuple[int, int]]:
    weights = [share * rng.uniform(0.6, 1.4) for _b, _f, share in SEED_LOAN_CHANNELS]
    counts = split(count, weights)
    sizes = [BANK_LOAN_SIZE.get(bank, 1.0) for bank, _f, _s in SEED_LOAN_CHANNELS]
    amounts = split(amount // MILLION, [c * z for c, z in zip(counts, sizes, strict=True)])
    return {
        (bank, source): (c, a * MILLION)
        for (bank, source, _s), c, a in zip(SEED_LOAN_CHANNELS, counts, amounts, strict=True)
        if c
    }


def _jobs_lines(jobs: int, rng: random.Random, schemes=SCHEMES) -> dict[str, int]:
    weights = [rng.uniform(0.5, 1.5) for _ in schemes]
    return {s: n for s, n in zip(schemes, split(jobs, weights), strict=True) if n}


def seed_plans(
    offices_by_province: dict[str, list[str]],
) -> dict[tuple[str, str, int, int], MonthPlan]:
    """The published figures as office-month plans keyed by (province code, office name, year, month)."""
    from programs.models import ReportStatus

    approved = ReportStatus.APPROVED
    plans: dict[tuple[str, str, int, int], MonthPlan] = {}
    rng = random.Random("seed:zanjan:1397")
    names = offices_by_province[ZANJAN]
    cells = [(name, month) for name in names for month in range(1, 13)]
    month_weight = [rng.uniform(0.75, 1.25) for _ in range(12)]

    def weights():
        return [
            ZANJAN_WEIGHTS.get(name, 1.0) * month_weight[month - 1] * rng.uniform(0.85, 1.15)
            for name, month in cells
        ]

    jobs = split(2882, weights())
    loans = split(2402, weights())
    amounts = split(408_000_000_000 // MILLION, loans)
    trainees = split(3200, weights())
    for i, (name, month) in enumerate(cells):
        plans[(ZANJAN, name, 1397, month)] = MonthPlan(
            status=approved,
            trainees=trainees[i],
            jobs=_jobs_lines(jobs[i], rng),
            loans=_loan_lines(loans[i], amounts[i] * MILLION, rng),
        )
    # Not published (see ZANJAN_1397_EXITS): drawn from their own generator so
    # the published figures above stay as they were.
    extra = random.Random("seed:zanjan:1397:exits")
    cell_weights = [ZANJAN_WEIGHTS.get(name, 1.0) * extra.uniform(0.6, 1.4) for name, _m in cells]
    exits = split(ZANJAN_1397_EXITS, cell_weights)
    referred = split(ZANJAN_1397_REFERRED, [w * extra.uniform(0.6, 1.4) for w in cell_weights])
    banks = [bank for bank, _f, _s in SEED_LOAN_CHANNELS]
    for i, (name, month) in enumerate(cells):
        plan = plans[(ZANJAN, name, 1397, month)]
        plan.exits = exits[i]
        if referred[i]:
            plan.referrals = {extra.choice(banks): referred[i]}

    rng = random.Random("seed:islamshahr")
    month_weights = [rng.uniform(0.7, 1.3) for _ in range(12)]
    jobs = split(453, month_weights)
    loans = split(ISLAMSHAHR_1403_LOANS, [w * rng.uniform(0.8, 1.2) for w in month_weights])
    amounts = split(536_000_000_000 // MILLION, loans)
    for month in range(1, 13):
        plans[(TEHRAN, ISLAMSHAHR, 1403, month)] = MonthPlan(
            status=approved,
            jobs=_jobs_lines(jobs[month - 1], rng),
            loans=_loan_lines(loans[month - 1], amounts[month - 1] * MILLION, rng),
        )
    loans = split(77, [1.0, 1.1])
    amounts = split(90_000_000_000 // MILLION, loans)
    jobs = split(8, [1.0, 1.0])
    trainees = split(52, [1.0, 1.0])
    for month in (1, 2):
        plans[(TEHRAN, ISLAMSHAHR, 1404, month)] = MonthPlan(
            status=approved,
            trainees=trainees[month - 1],
            jobs={"کاریابی": jobs[month - 1]} if jobs[month - 1] else {},
            loans=_loan_lines(loans[month - 1], amounts[month - 1] * MILLION, rng),
        )
    return plans


# Synthetic months ------------------------------------------------------------


def _recent_status(rng: random.Random, months_ago: int, progress: float) -> str | None:
    """Status of a current-year month; None = not entered yet. `progress` is the
    share of the month in progress that has passed: on its first day no office
    has entered anything for it, near its end about half have a draft."""
    roll = rng.random()
    if months_ago >= 3:
        return "approved"
    if months_ago == 2:
        return "approved" if roll < 0.6 else "submitted" if roll < 0.9 else "returned"
    if months_ago == 1:
        if roll < 0.12:
            return None
        return (
            "submitted"
            if roll < 0.5
            else "draft"
            if roll < 0.75
            else "returned"
            if roll < 0.85
            else "approved"
        )
    started = 0.55 * progress
    return None if roll >= started else "draft" if roll < 0.8 * started else "submitted"


@dataclass
class ProvinceProfile:
    base_jobs: float  # jobs a year in FIRST_YEAR
    office_share: dict[str, float]
    growth: dict[int, float]


def province_profile(code: str, name: str, offices: list[str], years: list[int]) -> ProvinceProfile:
    rng = random.Random(f"demo:province:{code}")
    base = 2882.0 if code == ZANJAN else 150.0 * len(offices) * rng.uniform(0.7, 1.4)
    raw = {}
    for office in offices:
        weight = rng.uniform(0.5, 1.5)
        if code == ZANJAN:
            weight = ZANJAN_WEIGHTS.get(office, weight)
        elif normalize_name(office) == normalize_name(name):
            weight *= 2.5  # the office of the provincial capital is the busiest
        raw[office] = weight
    total = sum(raw.values())
    growth, level = {}, 1.0
    for year in years:
        growth[year] = level
        level *= rng.uniform(0.98, 1.12)
    return ProvinceProfile(base, {o: w / total for o, w in raw.items()}, growth)


def synthetic_month(
    profile: ProvinceProfile,
    office: str,
    period: Period,
    now: Period,
    rng: random.Random,
    progress: float = 0.5,
):
    """A plausible month for one office, or None when the office has not entered it yet."""
    months_ago = (now.year - period.year) * 12 + now.month - period.month
    status = "approved" if period.year < now.year else _recent_status(rng, months_ago, progress)
    season = 1 + 0.2 * math.sin((period.month - 3) * math.pi / 6)
    expected = profile.base_jobs * profile.growth[period.year] * profile.office_share[office] / 12
    jobs = max(0, round(expected * season * rng.uniform(0.7, 1.3)))
    loans = max(0, round(jobs * rng.uniform(0.65, 1.0)))
    average = AVERAGE_LOAN.get(period.year, 1_500 * MILLION)
    plan = MonthPlan(
        status=status or "",
        trainees=max(0, round(expected * 1.1 * rng.uniform(0.5, 1.5))),
        exits=max(0, round(expected * 0.15 * rng.uniform(0.3, 1.7))),
    )
    plan.jobs = _jobs_lines(jobs, rng, rng.sample(SCHEMES, rng.randint(2, 4)))
    channels = rng.sample(
        [(b, FUND) for b in BANKS] + [(b, BANK_MONEY) for b in BANKS[:3]], rng.randint(2, 4)
    )
    counts = split(loans, [rng.uniform(0.5, 1.5) for _ in channels])
    for channel, count in zip(channels, counts, strict=True):
        if count:
            size = average * BANK_LOAN_SIZE.get(channel[0], 1.0)
            amount = round(count * size * rng.uniform(0.8, 1.2) / MILLION) * MILLION
            plan.loans[channel] = (count, amount)
    for bank in rng.sample(BANKS, rng.randint(1, 3)):
        referred = round(loans * rng.uniform(0.05, 0.25))
        if referred:
            plan.referrals[bank] = referred
    return plan if status else None


BANKS = (
    "بانک ملی ایران",
    "بانک سپه",
    "بانک کشاورزی",
    "بانک قرض‌الحسنه مهر ایران",
    "بانک رفاه کارگران",
    "بانک توسعه تعاون",
    "پست بانک ایران",
)


# Loading ---------------------------------------------------------------------


@dataclass
class DemoSummary:
    reports: int = 0
    lines: int = 0
    targets: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (username, role, password)
    skipped: bool = False


REPORT_COLUMNS = (
    "office_id",
    "year",
    "month",
    "status",
    "trainees",
    "exits",
    "jobs",
    "loans_count",
    "loans_amount_rial",
    "referred",
)


def periods_until(now: Period):
    period = Period(FIRST_YEAR, 1)
    while period <= now:
        yield period
        period = period.next()


def build_plans(
    province_list: list[tuple[str, str]],
    offices_by_province: dict[str, list[str]],
    now: Period,
    provinces: list[str] | None = None,
    progress: float = 0.5,
):
    """Every demo office-month and target, in memory (a pure function of its arguments).

    `progress` is the share of the month in progress (`now`) that has passed.

    Returns (plans keyed by (province code, office name, year, month), targets
    keyed by (province code, office name or None, year)).
    """
    years = list(range(FIRST_YEAR, now.year + 1))
    seeds = seed_plans(offices_by_province)
    plans: dict[tuple[str, str, int, int], MonthPlan] = dict(seeds)
    totals: dict[tuple[str, str | None, int], dict[str, int]] = {}
    for code, name in province_list:
        if provinces is not None and code not in provinces:
            continue
        names = offices_by_province.get(code, [])
        profile = province_profile(code, name, names, years)
        for office in names:
            rng = random.Random(f"demo:office:{code}:{office}")
            for period in periods_until(now):
                key = (code, office, period.year, period.month)
                # Drawn even for seeded months so later months do not shift.
                plan = synthetic_month(profile, office, period, now, rng, progress)
                if plan is not None and key not in seeds:  # seeded: published figures only
                    plans[key] = plan
        _plan_targets(code, profile, names, years, totals)
    # The demo provinces show every status: Zanjan's capital office has its last
    # month sent back by the manager.
    last = now.previous()
    returned = plans.get((ZANJAN, "زنجان", last.year, last.month))
    if returned is not None and last.year == now.year:
        returned.status = "returned"
    return plans, totals


@transaction.atomic
def load_demo(
    *, today=None, if_empty: bool = False, provinces: list[str] | None = None
) -> DemoSummary:
    """Load the demo (see the module docstring). `provinces` limits the synthetic
    months and targets to some province codes (the seeds are always loaded)."""
    from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
    from programs.models import CountyOffice, JobsFigure, MonthlyReport, Province, Scheme

    summary = DemoSummary()
    if if_empty and MonthlyReport.objects.exists():
        summary.skipped = True
        return summary
    load_reference()
    today = today or clock.today()
    now = current_period(today)
    progress = (today - now.first_day).days / days_in_month(now.year, now.month)
    scheme_ids = {s.name_key: s.pk for s in Scheme.objects.all()}
    bank_ids = {b.name_key: b.pk for b in Bank.objects.all()}
    source_ids = {f.name_key: f.pk for f in FundingSource.objects.all()}
    province_list = list(Province.objects.order_by("code"))
    offices = {}
    offices_by_province: dict[str, list[str]] = {}
    for office in (
        CountyOffice.objects.filter(is_active=True).select_related("province").order_by("name")
    ):
        offices[(office.province.code, office.name)] = office
        offices_by_province.setdefault(office.province.code, []).append(office.name)
    existing = set(MonthlyReport.objects.values_list("office_id", "year", "month"))

    plans, totals = build_plans(
        [(p.code, p.name) for p in province_list], offices_by_province, now, provinces, progress
    )

    scheme_id = {name: scheme_ids[normalize_name(name)] for name in SCHEMES}
    bank_id = {name: bank_ids[normalize_name(name)] for name in BANKS}
    source_id = {name: source_ids[normalize_name(name)] for name in (FUND, BANK_MONEY)}
    report_rows, new_plans = [], []
    for key, plan in plans.items():
        office = offices.get(key[:2])
        if office is None or (office.pk, key[2], key[3]) in existing:
            continue
        report_rows.append(
            (
                office.pk,
                key[2],
                key[3],
                plan.status,
                plan.trainees,
                plan.exits,
                sum(plan.jobs.values()),
                sum(c for c, _a in plan.loans.values()),
                sum(a for _c, a in plan.loans.values()),
                sum(plan.referrals.values()),
            )
        )
        new_plans.append(plan)
    _insert_rows(MonthlyReport, REPORT_COLUMNS, report_rows)
    report_ids = {
        (o, y, m): pk
        for pk, o, y, m in MonthlyReport.objects.values_list("pk", "office_id", "year", "month")
    }
    reports = [report_ids[row[:3]] for row in report_rows]
    jobs_lines, loan_lines, referral_lines = [], [], []
    for rid, plan in zip(reports, new_plans, strict=True):
        jobs_lines += [(rid, scheme_id[s], v) for s, v in plan.jobs.items()]
        loan_lines += [
            (rid, bank_id[b], source_id[f], c, a) for (b, f), (c, a) in plan.loans.items()
        ]
        referral_lines += [(rid, bank_id[b], v) for b, v in plan.referrals.items()]
    _insert_rows(JobsFigure, ("report_id", "scheme_id", "value"), jobs_lines)
    _insert_rows(
        LoanFigure,
        ("report_id", "bank_id", "funding_source_id", "count", "amount_rial"),
        loan_lines,
    )
    _insert_rows(ReferralFigure, ("report_id", "bank_id", "value"), referral_lines)
    summary.reports = len(reports)
    summary.lines = len(jobs_lines) + len(loan_lines) + len(referral_lines)
    summary.targets = _save_targets(totals, offices, {p.code: p for p in province_list})
    if summary.reports:
        _workflow_steps(now, report_rows, reports)
        _field_notes(offices, bank_id)
    if settings.DEBUG:
        summary.users = _demo_users()
    if summary.reports or summary.targets:
        from reports import rollups

        rollups.rebuild()
    return summary


# Workflow steps and field notes --------------------------------------------

RECORDER = "demo_recorder"  # the (inactive) author of demo workflow steps and notes
RETURN_COMMENTS = (
    "مبلغ تسهیلات بانک سپه با فهرست پرداخت بانک هم‌خوانی ندارد؛ لطفاً بررسی شود.",
    "تعداد فرصت شغلی طرح کاریابی نسبت به ماه قبل غیرعادی است؛ مستندات پیوست شود.",
    "آمار آموزش فنی و حرفه‌ای ثبت نشده است.",
)
UNLOCK_REASONS = (
    "نامهٔ بانک عامل: مبلغ دو فقره وام اشتباه ثبت شده بود.",
    "اصلاح تعداد آموزش‌دیدگان پس از بازبینی فهرست مرکز فنی و حرفه‌ای.",
)
FIELD_NOTES = (  # (province, office, Jalali date, area, bank or "", text, resolved on or "")
    (
        TEHRAN,
        ISLAMSHAHR,
        (1404, 2, 20),
        "banking",
        "بانک قرض‌الحسنه مهر ایران",
        "طولانی شدن فرایند پرداخت تسهیلات و درخواست ضامن کارمند از مددجویان معرفی‌شده",
        "",
    ),
    (
        TEHRAN,
        ISLAMSHAHR,
        (1404, 2, 20),
        "executive",
        "",
        "نیاز به آسیب‌شناسی میدانی کسب‌وکارهای کوچک و پیگیری طرح‌های راکد",
        "",
    ),
    (
        TEHRAN,
        ISLAMSHAHR,
        (1404, 2, 20),
        "insurance",
        "",
        "نبود پوشش بیمه برای مجریان طرح‌های خانگی",
        "",
    ),
    (
        TEHRAN,
        ISLAMSHAHR,
        (1404, 1, 25),
        "other",
        "",
        "راه‌اندازی غرفه فروش محصولات ۱۶ مجری طرح اشتغال در فروشگاه مجازی",
        (1404, 2, 15),
    ),
    (
        ZANJAN,
        "زنجان",
        (1398, 2, 8),
        "banking",
        "بانک ملی ایران",
        "صف معرفی‌شدگان به بانک به دلیل کمبود منابع؛ پرداخت وام اشتغال مشروط به تأمین اعتبار",
        "",
    ),
    (
        ZANJAN,
        "ابهر",
        (1398, 3, 12),
        "executive",
        "",
        "کمبود کارشناس برای راهبری طرح‌های اشتغال روستایی",
        (1398, 6, 1),
    ),
)


def _recorder():
    from programs.models import User

    user, created = User.objects.get_or_create(
        username=RECORDER,
        defaults={"first_name": "ثبت", "last_name": "نمایشی", "is_active": False, "role": "staff"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _workflow_steps(now: Period, report_rows: list[tuple], report_ids: list[int]) -> None:
    """Submissions, approvals and returns for this year's and last year's months, so
    the completeness matrix has submission dates (some late) to judge on-time rates."""
    import datetime as dt

    from django.db import connection

    from programs.models import ReportTransition
    from reliefjobs.lib.jalali import to_gregorian

    rng = random.Random(1405)
    unlocks = random.Random("demo:unlocks")  # its own stream: rng's draws stay as they were
    by = _recorder().pk
    field = ReportTransition._meta.get_field("at")
    latest = clock.now()
    rows = []
    for row, rid in zip(report_rows, report_ids, strict=True):
        year, month, status = row[1], row[2], row[3]
        if year < now.year - 1 or status not in ("submitted", "approved", "returned"):
            continue
        following = Period(year, month).next()
        due = to_gregorian(following.year, following.month, 10)
        lateness = rng.choice((-8, -6, -5, -3, -2, -1, 0, 0, 2, 5, 9, 16))
        sent = timezone.make_aware(
            dt.datetime.combine(due + dt.timedelta(days=lateness), dt.time(10))
        )
        sent = min(sent, latest - dt.timedelta(hours=2))

        def at(moment):
            return field.get_db_prep_save(min(moment, latest), connection)

        rows.append((rid, "submit", "draft", "submitted", by, at(sent), ""))
        later = sent + dt.timedelta(days=rng.randint(1, 6))
        if status == "approved":
            rows.append((rid, "approve", "submitted", "approved", by, at(later), ""))
        elif status == "returned":
            comment = rng.choice(RETURN_COMMENTS)
            rows.append((rid, "return", "submitted", "returned", by, at(later), comment))
            if year == now.year and unlocks.random() < 0.2:
                # Sent again, approved, then unlocked by an admin: the work list's
                # "months unlocked recently" has something to show.
                day = dt.timedelta(days=1)
                rows += [
                    (rid, "submit", "returned", "submitted", by, at(later + day), ""),
                    (rid, "approve", "submitted", "approved", by, at(later + 2 * day), ""),
                    (rid, "unlock", "approved", "returned", by, at(later + 3 * day),
                     unlocks.choice(UNLOCK_REASONS)),
                ]  # fmt: skip
    _insert_rows(
        ReportTransition,
        ("report_id", "action", "from_status", "to_status", "by_id", "at", "comment"),
        rows,
    )


def _field_notes(offices, bank_id) -> None:
    """The obstacles of the Islamshahr meeting (executive, banking, insurance) and a
    few in Zanjan, as field notes."""
    from programs.models import FieldNote
    from reliefjobs.lib.jalali import to_gregorian

    by = _recorder()
    for code, office_name, noted, area, bank, text, resolved in FIELD_NOTES:
        office = offices.get((code, office_name))
        if office is None or FieldNote.objects.filter(office=office, text=text).exists():
            continue
        FieldNote.objects.create(
            office=office,
            noted_on=to_gregorian(*noted),
            area=area,
            bank_id=bank_id[bank] if bank else None,
            text=text,
            status="resolved" if resolved else "open",
            resolved_on=to_gregorian(*resolved) if resolved else None,
            created_by=by,
        )


def _insert_rows(model, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row INSERTs without building model instances: the ORM's per-object
    work was most of load_demo's time for ~400,000 lines. Other columns get
    their field defaults."""
    from django.db import connection

    fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
    extra = [name for name in fields if name not in columns]
    now = clock.now()
    defaults = tuple(
        fields[name].get_db_prep_save(
            now if getattr(fields[name], "auto_now", False) else fields[name].get_default(),
            connection,
        )
        for name in extra
    )
    names = ", ".join(connection.ops.quote_name(fields[c].column) for c in (*columns, *extra))
    one = "(" + ", ".join(["%s"] * (len(columns) + len(extra))) + ")"
    table = connection.ops.quote_name(model._meta.db_table)
    size = max(1, 30_000 // (len(columns) + len(extra)))  # under SQLite's 32,766 variables
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [value for row in batch for value in (*row, *defaults)]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * len(batch))}", params
            )


# Years whose figures are published and whose goal is not: a synthetic target
# there would contradict the article (Zanjan 1397: «به‌صورت کامل محقق شده»;
# Islamshahr 1403: 453 jobs against a share of the province's synthetic goal
# read «۳۱۹ درصد»), so none is set. Keys: (province, year) or (province, office, year).
NO_TARGET = {(ZANJAN, 1397), (TEHRAN, ISLAMSHAHR, 1403)}


def _plan_targets(code, profile, names, years, totals) -> None:
    """Targets a little above what the synthetic figures reach; Zanjan 1398 = 4,000 jobs;
    none where published figures have no published goal (NO_TARGET)."""
    rng = random.Random(f"demo:targets:{code}")
    with_office_targets = [n for n in names if rng.random() < 0.5]
    for year in years:
        jobs = profile.base_jobs * profile.growth[year] * rng.uniform(1.05, 1.3)
        average = AVERAGE_LOAN.get(year, 1_500 * MILLION)
        values = {
            "jobs": round(jobs, -1),
            "loans_count": round(jobs * 0.85, -1),
            "loans_amount_rial": round(jobs * 0.85 * average / 10**9) * 10**9,
            "trainees": round(jobs * 1.1, -1),
        }
        if code == ZANJAN and year == 1398:
            values["jobs"] = 4000
        # Drawn even where no target is kept, so later years' targets do not shift.
        if (code, year) not in NO_TARGET:
            totals[(code, None, year)] = {k: int(v) for k, v in values.items()}
        for name in with_office_targets:
            share = profile.office_share[name] * rng.uniform(0.95, 1.1)
            if (code, year) in NO_TARGET or (code, name, year) in NO_TARGET:
                continue
            totals[(code, name, year)] = {
                "jobs": max(1, round(values["jobs"] * share)),
                "loans_count": max(1, round(values["loans_count"] * share)),
            }


def _save_targets(totals, offices, provinces) -> int:
    from programs.models import Target

    have = set(Target.objects.values_list("year", "province__code", "office_id", "measure"))
    new = []
    for (code, office_name, year), values in totals.items():
        office = offices.get((code, office_name)) if office_name else None
        if office_name and office is None:
            continue
        for measure, value in values.items():
            if (year, code, office.pk if office else None, measure) in have:
                continue
            new.append(
                Target(
                    year=year, province=provinces[code], office=office, measure=measure, value=value
                )
            )
    Target.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _demo_users() -> list[tuple[str, str, str]]:
    """Demo users for each role with a simple password (development only)."""
    from programs.models import Province, User

    created = []
    for username, role, code in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            # Hashing is slow by design: only new users get the password.
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.role = role
        user.province = Province.objects.get(code=code) if code else None
        user.is_staff = True
        user.is_active = True
        user.is_superuser = role == "admin" and code is None
        user.save()
        created.append((username, role, DEMO_PASSWORD))
    return created
