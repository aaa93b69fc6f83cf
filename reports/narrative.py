"""A Persian summary of a year's figures, written the way the agency's news items read.

«در سال ۱۳۹۷ با همکاری بانک‌های عامل و صندوق امداد ولایت ۲ هزار و ۴۰۲ فقره
وام اشتغال با اعتباری بالغ بر ۴۰ میلیارد و ۸۰۰ میلیون تومان پرداخت شده که
برای ۲ هزار و ۸۸۲ نفر شغل ایجاد شد»

The text is press copy for Persian media, so it is composed in Persian
whatever the interface language (it is data, like a province's name), not
passed through the translation catalogue.
"""

from __future__ import annotations

from reliefjobs.lib.money import number_words, toman_words
from reliefjobs.lib.text import normalize_name, to_persian_digits
from reports.forecast import Forecast
from reports.progress import outlook

BANKS = "بانک‌های عامل"
# Loans paid from the banks' own resources are the agent banks' share,
# already named by BANKS; every other source is named as a partner.
_BANK_RESOURCES = normalize_name("منابع بانکی")


def _fa(value) -> str:
    return to_persian_digits(value)


def partners(funding_sources: list[str]) -> str:
    """«بانک‌های عامل و صندوق امداد ولایت»: the agent banks and each other funding source."""
    others = [s for s in funding_sources if normalize_name(s) != _BANK_RESOURCES]
    return " و ".join([BANKS, *others])


def summary(
    *,
    year: int,
    place: str,
    figures: dict,
    funding_sources: list[str],
    elapsed: int,
    forecast: Forecast | None = None,
) -> str:
    """The narrative for one place (a province, an office or «کشور») and year.

    `figures` has jobs, loans_count, loans_amount_rial, trainees, exits and
    target_jobs (None when no goal was set); `elapsed` is how many months of
    the year have ended (12 for a past year); `forecast` is the year-end
    projection of reports.forecast (the same figure as the card's), said with
    its basis; none is said without it.
    """
    jobs, loans = figures["jobs"], figures["loans_count"]
    if not any(figures[k] for k in ("jobs", "loans_count", "trainees", "exits")):
        return f"برای سال {_fa(year)} در {place} هنوز آماری ثبت نشده است."
    finished = elapsed >= 12
    opening = f"در سال {_fa(year)}" if finished else f"از ابتدای سال {_fa(year)} تاکنون"
    created = "ایجاد شد" if finished else "ایجاد شده است"
    if loans:
        first = (
            f"{opening} با همکاری {partners(funding_sources)} {number_words(loans)} فقره وام اشتغال "
            f"با اعتباری بالغ بر {toman_words(figures['loans_amount_rial'])} پرداخت شده که برای "
            f"{number_words(jobs)} نفر شغل {created}"
        )
    else:
        first = f"{opening} برای {number_words(jobs)} نفر شغل {created}"
    sentences = [first]
    extras = []
    if figures["trainees"]:
        extras.append(f"{number_words(figures['trainees'])} نفر از مددجویان آموزش مهارت دیدند")
    if figures["exits"]:
        extras.append(f"{number_words(figures['exits'])} خانوار از چرخه حمایت خارج شدند")
    if extras:
        sentences.append("همچنین " + " و ".join(extras))
    sentences.extend(
        _goal_sentences(year, place, jobs, figures.get("target_jobs"), elapsed, forecast)
    )
    return " ".join(f"{s}." for s in sentences)


def _projection_sentence(forecast: Forecast) -> str:
    text = (
        f"{forecast.basis}، پیش‌بینی می‌شود تا پایان سال {number_words(forecast.value)} شغل ایجاد شود"
    )
    if forecast.low != forecast.high:
        text += f" (بین {number_words(forecast.low)} و {number_words(forecast.high)})"
    return text


def _goal_sentences(
    year: int,
    place: str,
    jobs: int,
    target: int | None,
    elapsed: int,
    forecast: Forecast | None,
) -> list[str]:
    finished = elapsed >= 12
    projected = None if forecast is None or finished else forecast.value
    if target is None:
        return [] if projected is None else [_projection_sentence(forecast)]
    state = outlook(jobs, target, elapsed)
    verb = "بود" if finished else "است"
    out = [f"هدف سال {_fa(year)} در {place} ایجاد {number_words(target)} شغل {verb}"]
    if state.achievement is not None:
        done = "محقق شد" if finished else "تاکنون محقق شده است"
        out[0] += f" که {_fa(round(state.achievement))} درصد آن {done}"
    if projected is not None:
        on_track = projected >= target
        verdict = "که هدف را پوشش می‌دهد" if on_track else "که از هدف کمتر است"
        out.append(f"{_projection_sentence(forecast)} {verdict}")
        if not on_track and state.pace_needed:
            out.append(
                f"برای رسیدن به هدف باید در هر یک از ماه‌های باقی‌مانده "
                f"{number_words(state.pace_needed)} شغل ایجاد شود"
            )
    return out
