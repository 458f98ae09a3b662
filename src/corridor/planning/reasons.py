"""Reason codes of explanations and re-planning changes, and their words in English and Arabic."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from corridor.planning.rules import Rules

ParamValue = str | int | float | bool | None


class ReasonCode(StrEnum):
    """Why a case is where it is in a plan, or why it moved in a re-plan."""

    PLANNED = "planned"
    KEPT_ON_BATCH = "kept_on_batch"
    STANDBY = "standby"
    OUTRANKED = "outranked"
    NO_SEATS = "no_seats"
    NO_ACCEPTANCE = "no_acceptance"
    NO_BED_BEFORE = "no_bed_before"
    BEDS_TAKEN = "beds_taken"
    NO_STRETCHER_PLACE = "no_stretcher_place"
    PATIENT_REFUSED = "patient_refused"
    COMPANION_REFUSED_REPLACEMENT_NEEDED = "companion_refused_replacement_needed"
    CHILD_NEEDS_ADULT = "child_needs_adult"
    COMPANION_DROPPED = "companion_dropped"
    COMPANIONS_LIMITED = "companions_limited"
    FAMILY_GROUP_WAITING = "family_group_waiting"
    FAMILY_MEMBER_CANNOT_TRAVEL = "family_member_cannot_travel"
    LISTED_ELSEWHERE = "listed_elsewhere"
    NO_LISTABLE_DAY = "no_listable_day"
    BATCH_NEEDS_REPLAN = "batch_needs_replan"
    BATCH_CANCELLED = "batch_cancelled"
    BATCH_POSTPONED = "batch_postponed"
    DAY_CLOSED = "day_closed"
    PERSON_REFUSED = "person_refused"
    CASE_WITHDRAWN = "case_withdrawn"
    HELD_BACK = "held_back"
    BED_WITHDRAWN = "bed_withdrawn"
    NEW_CRITICAL_CASE = "new_critical_case"
    DISPLACED_BY_MORE_URGENT = "displaced_by_more_urgent"
    SEAT_FREED = "seat_freed"
    REPLANNED = "replanned"
    DESTINATION_CHANGED = "destination_changed"


@dataclass(frozen=True)
class Reason:
    """A reason as data: a code and the parameters its words are made from."""

    code: ReasonCode
    params: Mapping[str, ParamValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


MONTHS_EN = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# The month names of Django's Arabic dates, so a page never mixes two calendars' names.
MONTHS_AR = [
    "يناير", "فبراير", "مارس", "إبريل", "مايو", "يونيو",
    "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
]  # fmt: skip
CATEGORIES = {
    "trauma": ("trauma", "إصابات"),
    "cancer": ("cancer", "أورام"),
    "cardiac": ("cardiac", "قلب"),
    "renal": ("renal", "كلى"),
    "congenital": ("congenital", "عيوب خلقية"),
    "neurological": ("neurological", "أعصاب"),
    "burns": ("burns", "حروق"),
    "other": ("other", "أمراض أخرى"),
}

TEMPLATES: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.PLANNED: (
        "planned for {date}, seat {seat}, to {party} (rank {rank})",
        "مدرج في قائمة {date}، المقعد {seat}، إلى {party} (الترتيب {rank})",
    ),
    ReasonCode.KEPT_ON_BATCH: (
        "already on the batch of {date}: kept there",
        "مدرج في دفعة {date}: يبقى فيها",
    ),
    ReasonCode.STANDBY: (
        "on standby for {date}, position {position}: called if a listed person is refused "
        "or does not come",
        "في قائمة الاحتياط ليوم {date}، الترتيب {position}: يُستدعى إذا رُفض أحد المدرجين أو لم يحضر",
    ),
    ReasonCode.NO_SEATS: (
        "does not fit yet: needs {seats} seats, at most {free} free on a day it can travel",
        "لا تتسع لها الخطة بعد: تحتاج {seats} مقاعد، والمتاح {free} على الأكثر "
        "في يوم يمكنها السفر فيه",
    ),
    ReasonCode.NO_ACCEPTANCE: (
        "no destination has accepted this case yet",
        "لم تقبل أي جهة مستقبلة هذه الحالة بعد",
    ),
    ReasonCode.NO_BED_BEFORE: (
        "no {category} bed accepted before {date}",
        "لا يوجد سرير {category} مقبول قبل {date}",
    ),
    ReasonCode.BEDS_TAKEN: (
        "every accepted {category} bed in the plan is taken by higher-ranked cases",
        "كل أسرّة {category} المقبولة في الخطة محجوزة لحالات أعلى أولوية",
    ),
    ReasonCode.NO_STRETCHER_PLACE: (
        "no stretcher place left on the days this case can travel",
        "لا يوجد مكان نقالة متاح في الأيام التي يمكن أن تسافر فيها الحالة",
    ),
    ReasonCode.PATIENT_REFUSED: (
        "the patient was refused clearance",
        "رُفض المريض أمنياً",
    ),
    ReasonCode.COMPANION_REFUSED_REPLACEMENT_NEEDED: (
        "companion refused, replacement needed: a child travels only with an adult companion",
        "رُفض المرافق ويلزم بديل: لا يسافر الطفل إلا مع مرافق بالغ",
    ),
    ReasonCode.CHILD_NEEDS_ADULT: (
        "a child travels only with an adult companion, and none is proposed",
        "لا يسافر الطفل إلا مع مرافق بالغ، ولم يُقترح أي مرافق بالغ",
    ),
    ReasonCode.COMPANION_DROPPED: (
        "travels without {count} refused companion(s) unless replaced",
        "يسافر دون المرافقين المرفوضين ({count}) ما لم يُستبدلوا",
    ),
    ReasonCode.COMPANIONS_LIMITED: (
        "{listed} of {proposed} companions listed (at most {limit})",
        "أُدرج {listed} من {proposed} مرافقين (الحد الأقصى {limit})",
    ),
    ReasonCode.FAMILY_GROUP_WAITING: (
        "travels with family group {group}, which does not fit yet",
        "يسافر مع المجموعة العائلية {group} التي لا تتسع لها الخطة بعد",
    ),
    ReasonCode.FAMILY_MEMBER_CANNOT_TRAVEL: (
        "travels with family group {group}, and case {member} cannot travel yet",
        "يسافر مع المجموعة العائلية {group}، والحالة {member} لا يمكنها السفر بعد",
    ),
    ReasonCode.LISTED_ELSEWHERE: (
        "already on the batch of {date}, outside this plan",
        "مدرج في دفعة {date} خارج هذه الخطة",
    ),
    ReasonCode.NO_LISTABLE_DAY: (
        "no open crossing day in the plan is at least {hours} h ahead",
        "لا يوجد في الخطة يوم عبور مفتوح بعد {hours} ساعة على الأقل",
    ),
    ReasonCode.BATCH_NEEDS_REPLAN: (
        "on the batch of {date}, which cannot go as listed: re-plan to move this case",
        "مدرج في دفعة {date} التي لا يمكن أن تسافر كما هي: تلزم إعادة التخطيط لنقل الحالة",
    ),
    ReasonCode.BATCH_CANCELLED: ("the batch of {date} was cancelled", "أُلغيت دفعة {date}"),
    ReasonCode.BATCH_POSTPONED: (
        "the batch of {date} was postponed to {to}",
        "أُجّلت دفعة {date} إلى {to}",
    ),
    ReasonCode.DAY_CLOSED: ("the crossing is closed on {date}", "المعبر مغلق يوم {date}"),
    ReasonCode.PERSON_REFUSED: (
        "clearance refused for {person}",
        "رُفض {person} أمنياً",
    ),
    ReasonCode.CASE_WITHDRAWN: ("the case was withdrawn", "سُحبت الحالة"),
    ReasonCode.HELD_BACK: (
        "taken off {date} by the coordinator: {note}",
        "استبعدها المنسق من قائمة {date}: {note}",
    ),
    ReasonCode.BED_WITHDRAWN: (
        "{party} withdrew {category} beds for {date}",
        "سحبت {party} أسرّة {category} ليوم {date}",
    ),
    ReasonCode.NEW_CRITICAL_CASE: (
        "new {tier} case, planned at once",
        "حالة جديدة ({tier})، أُدرجت فوراً",
    ),
    ReasonCode.DISPLACED_BY_MORE_URGENT: (
        "the seat was needed by a more urgent case ({case})",
        "احتاجت حالة أكثر استعجالاً المقعد ({case})",
    ),
    ReasonCode.SEAT_FREED: (
        "a seat freed on {date}: next on its standby list",
        "شغر مقعد يوم {date}: التالي في قائمة الاحتياط",
    ),
    ReasonCode.REPLANNED: (
        "re-planned after the event: {before} -> {after}",
        "أُعيد التخطيط بعد الحدث: {before} ← {after}",
    ),
    ReasonCode.DESTINATION_CHANGED: (
        "still on {date}, to {to_party} instead of {from_party}: no bed left there",
        "ما زالت في {date}، إلى {to_party} بدلاً من {from_party}: لا سرير متاحاً هناك",
    ),
}


def format_date(value: str | datetime.date, language: str) -> str:
    """A date as people read it in `language` ("12 Feb" or "12 فبراير")."""
    day = datetime.date.fromisoformat(value) if isinstance(value, str) else value
    months = MONTHS_AR if language == "ar" else MONTHS_EN
    return f"{day.day} {months[day.month - 1]}"


WORDS = {"waiting": ("waiting list", "قائمة الانتظار"), "standby": ("standby", "الاحتياط")}


def _date_or_word(value: str, language: str) -> str:
    if value in WORDS:
        english, arabic = WORDS[value]
        return arabic if language == "ar" else english
    try:
        return format_date(value, language)
    except ValueError:
        return value


def _category(code: str, language: str) -> str:
    english, arabic = CATEGORIES.get(code, (code, code))
    return arabic if language == "ar" else english


def _outranked(params: Mapping[str, ParamValue], rules: Rules, language: str) -> str:
    parts = []
    for tier in sorted(rules.tiers, key=lambda tier: tier.rank):
        count = params.get(f"ahead_{tier.code}")
        if isinstance(count, int) and count > 0:
            if language == "ar":
                parts.append(f"{count:,} من الحالات ال{tier.name_ar}")
            else:
                parts.append(f"{count:,} {tier.name_en} case{'s' if count != 1 else ''}")
    other = params.get("ahead_other")
    if isinstance(other, int) and other > 0:
        parts.append(f"{other:,} من الحالات الأخرى" if language == "ar" else f"{other:,} other")
    if language == "ar":
        listed = " و".join(parts) if parts else "لا حالات"
        return f"تسبقها حالات أعلى أولوية: {listed}"
    if len(parts) > 1:
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    else:
        listed = parts[0] if parts else "no cases"
    return f"outranked: {listed} ahead"


def render(reason: Reason, rules: Rules, language: str) -> str:
    """The words of `reason` in `language` ("en" or "ar")."""
    if reason.code is ReasonCode.OUTRANKED:
        return _outranked(reason.params, rules, language)
    english, arabic = TEMPLATES[reason.code]
    values: dict[str, object] = {}
    for name, value in reason.params.items():
        if name in {"date", "to", "before", "after"} and isinstance(value, str):
            values[name] = _date_or_word(value, language)
        elif name == "category" and isinstance(value, str):
            values[name] = _category(value, language)
        elif name == "tier" and isinstance(value, str):
            tier = rules.tier(value)
            values[name] = tier.name_ar if language == "ar" else tier.name_en
        else:
            values[name] = value
    return (arabic if language == "ar" else english).format_map(_Missing(values))


class _Missing(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return "?"


def sentence(reasons: tuple[Reason, ...], rules: Rules, language: str) -> str:
    """All `reasons` in one line of `language`, the main reason first."""
    separator = "؛ " if language == "ar" else "; "
    return separator.join(render(reason, rules, language) for reason in reasons)
