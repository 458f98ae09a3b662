"""The reports page's figures: the day and a period, each table with its chart and its file.

Every figure is an aggregate (GROUP BY) over the whole corridor, read in a fixed number of
queries whatever the size of the lists. Counts of people are shown exactly to roles that see
operational detail, and with small cells suppressed ("<5") to the others (analysts); counts of
coordination events and quotas are not counts of people and are never suppressed.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from corridor.cases.models import Case, CaseStatus, UrgencyTier
from corridor.crossings.models import (
    BatchMember,
    Clearance,
    CoordinationEventKind,
    CrossingDay,
    DayStatus,
    Direction,
    MemberRole,
    Movement,
    MovementOutcome,
    Outcome,
)
from corridor.crossings.models import CoordinationEvent as Event
from corridor.i18n import local_name
from corridor.profiles import suppress, suppress_total
from corridor.web.charts import Chart, Value, bar_chart, column_chart

DEFAULT_DAYS = 7
MAX_DAYS = 92
# Coordination events that stop a batch: the ones whose reason (or its absence) is reported.
STOPS = (
    CoordinationEventKind.CANCELLED,
    CoordinationEventKind.SUSPENDED,
    CoordinationEventKind.POSTPONED,
)
OPEN_DAY = (DayStatus.OPEN, DayStatus.RESTRICTED)


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both days included."""

    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> list[datetime.date]:
        return [
            self.start + datetime.timedelta(days=i) for i in range((self.end - self.start).days + 1)
        ]

    def query(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


def default_period(today: datetime.date) -> Period:
    return Period(today - datetime.timedelta(days=DEFAULT_DAYS - 1), today)


def whole_weeks(period: Period) -> Period:
    """The period widened to whole ISO weeks, from the Monday of its start to the Sunday of its end.

    Periods on this fixed grid overlap only by whole weeks, so no two of them differ by a
    single day: comparing two periods cannot isolate a day whose counts are hidden.
    """
    return Period(
        period.start - datetime.timedelta(days=period.start.weekday()),
        period.end + datetime.timedelta(days=6 - period.end.weekday()),
    )


class PeriodForm(forms.Form):
    """The period of the report, read from the query string (`from`, `to`).

    With `weeks` (a reader who sees small counts hidden), the period is widened to whole ISO
    weeks once valid, and the form then shows the widened dates.
    """

    def __init__(self, query: Any, today: datetime.date, *, weeks: bool = False) -> None:
        self.weeks = weeks
        default = default_period(today)
        # A missing or empty date means the default period's; anything else must be a date.
        data = {
            "from": query.get("from") or default.start.isoformat(),
            "to": query.get("to") or default.end.isoformat(),
        }
        super().__init__(data)
        date_input = forms.DateInput({"type": "date"}, format="%Y-%m-%d")
        self.fields["from"] = forms.DateField(label=gettext_lazy("From"), widget=date_input)
        self.fields["to"] = forms.DateField(label=gettext_lazy("To"), widget=date_input)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("from"), data.get("to")
        if start and end:
            if end < start:
                self.add_error("to", _("The end of the period must be on or after its start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error(
                    "to",
                    _("A period may span at most %(days)s days; this one spans %(span)s.")
                    % {"days": MAX_DAYS, "span": (end - start).days + 1},
                )
            elif self.weeks:
                weeks = whole_weeks(Period(start, end))
                data["from"], data["to"] = weeks.start, weeks.end
                self.data = {"from": weeks.start.isoformat(), "to": weeks.end.isoformat()}
        return data

    @property
    def period(self) -> Period:
        return Period(self.cleaned_data["from"], self.cleaned_data["to"])

    def error_summary(self) -> str:
        """Every error, each after the label of its field."""
        return " ".join(
            f"{self.fields[name].label}: {' '.join(str(e) for e in errors)}"
            for name, errors in self.errors.items()
        )


@dataclass(frozen=True)
class _Named:
    name_ar: str | None
    name_en: str | None


@dataclass
class Figures:
    """Raw, exact counts for the days of a period and today (keys are dates)."""

    today: datetime.date
    period: Period
    quotas: dict[datetime.date, tuple[int, int]]
    movements: dict[tuple[datetime.date, str, str], int]
    stops: dict[tuple[datetime.date, str, bool], int]
    refusals: dict[tuple[datetime.date, str], int]
    parties: dict[str, str]
    deaths: dict[tuple[datetime.date, int], int]
    approved: dict[tuple[datetime.date, int], int]
    departed: dict[tuple[datetime.date, int], int]
    waiting: dict[int, int]
    tiers: list[UrgencyTier]
    # The waiting list by urgency and clinical category, the cells of the public table.
    waiting_cells: dict[tuple[int, str], int]


def _moments(days: list[datetime.date]) -> tuple[datetime.datetime, datetime.datetime]:
    """The local midnight that starts the first day and the one that ends the last."""
    start = datetime.datetime.combine(min(days), datetime.time())
    end = datetime.datetime.combine(max(days) + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(start), timezone.make_aware(end)


def _within(field: str, period: Period, today: datetime.date) -> Q:
    """Rows whose `field` (a moment) falls on a day of the period or today, local time."""
    start, end = _moments(period.days)
    first, last = _moments([today])
    return Q(**{f"{field}__gte": start, f"{field}__lt": end}) | Q(
        **{f"{field}__gte": first, f"{field}__lt": last}
    )


def gather(period: Period, today: datetime.date) -> Figures:
    """Every count the page needs, in ten aggregate queries."""
    on_days = Q(date__range=(period.start, period.end)) | Q(date=today)
    quotas = {
        row["date"]: (row["quota_out"] or 0, row["quota_in"] or 0)
        for row in CrossingDay.objects.filter(on_days)
        .values("date")
        .annotate(
            quota_out=Sum("quota_out", filter=Q(status__in=OPEN_DAY)),
            quota_in=Sum("quota_in", filter=Q(status__in=OPEN_DAY)),
        )
        .order_by()
    }
    movements = {
        (row["date"], row["direction"], row["outcome"]): row["n"]
        for row in Movement.objects.filter(on_days)
        .values("date", "direction", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    }
    stops = {
        (row["day"], row["kind"], row["no_reason_given"]): row["n"]
        for row in Event.objects.filter(_within("at", period, today), kind__in=STOPS)
        .values("kind", "no_reason_given", day=TruncDate("at"))
        .annotate(n=Count("id"))
        .order_by()
    }
    refusal_rows = list(
        BatchMember.objects.filter(
            _within("clearance_at", period, today), clearance=Clearance.REFUSED
        )
        .values(
            "clearance_party__code",
            "clearance_party__name_ar",
            "clearance_party__name_en",
            day=TruncDate("clearance_at"),
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    parties = {
        row["clearance_party__code"] or "": local_name(
            _Named(row["clearance_party__name_ar"], row["clearance_party__name_en"])
        )
        or _("Party not recorded")
        for row in refusal_rows
    }
    refusals = {(row["day"], row["clearance_party__code"] or ""): row["n"] for row in refusal_rows}

    def by_day_and_urgency(rows: Any) -> dict[tuple[datetime.date, int], int]:
        return {(row["day"], row["urgency"]): row["n"] for row in rows}

    deaths = by_day_and_urgency(
        Case.objects.filter(_within("status_changed_at", period, today), status=CaseStatus.DIED)
        .values("urgency", day=TruncDate("status_changed_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    approved = by_day_and_urgency(
        Case.objects.filter(_within("approved_at", period, today))
        .values("urgency", day=TruncDate("approved_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    departed = by_day_and_urgency(
        BatchMember.objects.filter(
            _within("outcome_at", period, today),
            role=MemberRole.PATIENT,
            outcome=Outcome.CROSSED,
            batch__direction=Direction.OUT,
        )
        .values(urgency=F("case__urgency"), day=TruncDate("outcome_at"))
        .annotate(n=Count("id"))
        .order_by()
    )
    waiting_cells = {
        (urgency, category): n
        for urgency, category, n in Case.objects.waiting()
        .values_list("urgency", "clinical_category")
        .annotate(n=Count("id"))
        .order_by()
    }
    waiting: dict[int, int] = defaultdict(int)
    for (urgency, _category), n in waiting_cells.items():
        waiting[urgency] += n
    return Figures(
        today=today,
        period=period,
        quotas=quotas,
        movements=movements,
        stops=stops,
        refusals=refusals,
        parties=parties,
        deaths=deaths,
        approved=approved,
        departed=departed,
        waiting=dict(waiting),
        tiers=list(UrgencyTier.objects.order_by("rank")),
        waiting_cells=waiting_cells,
    )


@dataclass(frozen=True)
class Table:
    """One table of the page: its rows for files (codes) and for people (labels), its chart."""

    name: str
    title: str
    note: str
    keys: list[str]
    headers: list[str]
    rows: list[dict[str, Any]]
    cells: list[list[Any]]
    chart: SafeString | None = None


def _day_label(day: datetime.date) -> str:
    return formats.date_format(day, "j M")


def _row_day(day: datetime.date) -> str:
    # Kept on one line: a narrow table wraps its other columns first.
    return formats.date_format(day, "D j M").replace(" ", "\u00a0")


def _total(
    counts: dict[Any, int],
    days: set[datetime.date],
    match: Callable[[Any], bool] | None = None,
) -> int:
    """The counts whose key (a day first) falls on one of `days` and matches."""
    return sum(n for key, n in counts.items() if key[0] in days and (match is None or match(key)))


class _Builder:
    """Builds the tables of one report for one reader (exact or with small cells hidden)."""

    def __init__(self, figures: Figures, threshold: int | None, rtl: bool, charts: bool):
        self.f = figures
        self.threshold = threshold
        self.rtl = rtl
        self.charts = charts
        self.days = figures.period.days
        self.period_days = set(self.days)

    def people(self, count: int) -> Value:
        """A count of people as this reader may see it."""
        return suppress(count, self.threshold) if self.threshold else count

    def total(self, parts: list[int], total: int | None = None) -> Value:
        """A total of people shown beside its parts: for a reader with small cells hidden, it is
        withheld when any part is hidden (complementary suppression), so that no total less the
        parts shown gives a hidden count away."""
        if not self.threshold:
            return sum(parts) if total is None else total
        return suppress_total(parts, self.threshold, total)

    def waiting_parts(self, tier: UrgencyTier | None = None) -> list[int]:
        """The cells of the public urgency by category table inside a tier (or all of them), and
        the tier counts themselves, a tier with no one waiting included."""
        cells = [n for (u, _c), n in self.f.waiting_cells.items() if tier is None or u == tier.pk]
        tiers = self.f.tiers if tier is None else [tier]
        return cells + [self.f.waiting.get(t.pk, 0) for t in tiers]

    def chart(self, draw: Callable[..., SafeString], chart: Chart) -> SafeString | None:
        return draw(chart, rtl=self.rtl) if self.charts else None

    def figures(self) -> Table:
        f, today, period = self.f, {self.f.today}, self.period_days

        # Each figure as its parts: the finest counts the other tables show of it (a day, a day
        # and an urgency, a party), zeros included, so that a total can be withheld when one of
        # its parts is hidden.
        Parts = Callable[[set[datetime.date]], list[int]]

        def moved(directions: tuple[str, ...], outcome: str) -> Parts:
            return lambda days: [
                f.movements.get((day, direction, outcome), 0)
                for day in sorted(days)
                for direction in directions
            ]

        def quota(index: int) -> Parts:
            return lambda days: [q[index] for day, q in f.quotas.items() if day in days]

        def stops(no_reason: bool) -> Parts:
            return lambda days: [_total(f.stops, days, lambda key: key[2] == no_reason)]

        def refusals(days: set[datetime.date]) -> list[int]:
            by_party: dict[str, int] = defaultdict(int)
            for (day, party), n in f.refusals.items():
                if day in days:
                    by_party[party] += n
            return list(by_party.values())

        def deaths(days: set[datetime.date]) -> list[int]:
            return [f.deaths.get((day, t.pk), 0) for day in sorted(days) for t in f.tiers]

        def approved(days: set[datetime.date]) -> list[int]:
            by_tier: dict[int, int] = defaultdict(int)
            for (day, tier), n in f.approved.items():
                if day in days:
                    by_tier[tier] += n
            return [by_tier[t.pk] for t in f.tiers]

        out, into = (Direction.OUT,), (Direction.IN,)
        lines: list[tuple[str, str, Parts, bool]] = [
            ("departures", _("Departures (crossed out)"), moved(out, "crossed"), True),
            ("arrivals", _("Arrivals (crossed in)"), moved(into, "crossed"), True),
            (
                "turned_back",
                _("Turned back at the crossing"),
                moved((Direction.OUT, Direction.IN), MovementOutcome.TURNED_BACK),
                True,
            ),
            ("quota_out", _("Quota out (open days)"), quota(0), False),
            ("quota_in", _("Quota in (open days)"), quota(1), False),
            (
                "stops_with_reason",
                _("Cancellations, suspensions, postponements: with a reason"),
                stops(False),
                False,
            ),
            (
                "stops_no_reason",
                _("Cancellations, suspensions, postponements: no reason given"),
                stops(True),
                False,
            ),
            ("clearance_refusals", _("People refused clearance"), refusals, True),
            ("deaths_while_waiting", _("Deaths while waiting"), deaths, True),
            ("approved", _("Cases approved (joined the waiting list)"), approved, True),
        ]
        rows, cells = [], []
        for code, label, parts, of_people in lines:
            shown: Callable[[list[int]], Value] = self.total if of_people else sum
            row = {"figure": code, "today": shown(parts(today)), "period": shown(parts(period))}
            rows.append(row)
            cells.append([label, row["today"], row["period"]])
        waiting = self.total(self.waiting_parts(), total=sum(f.waiting.values()))
        rows.append({"figure": "waiting_now", "today": waiting, "period": ""})
        cells.append([_("Cases waiting now"), waiting, "-"])
        return Table(
            name="figures",
            title=_("The day and the period in figures"),
            note=_(
                "Quotas count seats and cancellations, suspensions and postponements count "
                "coordination events; every other figure counts people."
            ),
            keys=["figure", "today", "period"],
            headers=[
                _("Figure"),
                _("Today, %(date)s") % {"date": formats.date_format(f.today, "j F Y")},
                _("From %(start)s to %(end)s")
                % {
                    "start": formats.date_format(f.period.start, "j F Y"),
                    "end": formats.date_format(f.period.end, "j F Y"),
                },
            ],
            rows=rows,
            cells=cells,
        )

    def departures_arrivals(self) -> Table:
        f = self.f
        rows: list[dict[str, Any]] = []
        cells: list[list[Any]] = []
        values: list[list[Value]] = []
        limits: list[list[int | None]] = []
        for day in self.days:
            quota_out, quota_in = f.quotas.get(day, (0, 0))

            def moved(direction: str, outcome: str, day: datetime.date = day) -> Value:
                return self.people(f.movements.get((day, direction, outcome), 0))

            departures = moved(Direction.OUT, MovementOutcome.CROSSED)
            arrivals = moved(Direction.IN, MovementOutcome.CROSSED)
            row = {
                "date": day.isoformat(),
                "quota_out": quota_out,
                "departures": departures,
                "turned_back_out": moved(Direction.OUT, MovementOutcome.TURNED_BACK),
                "quota_in": quota_in,
                "arrivals": arrivals,
                "turned_back_in": moved(Direction.IN, MovementOutcome.TURNED_BACK),
            }
            rows.append(row)
            cells.append([_row_day(day), *list(row.values())[1:]])
            values.append([departures, arrivals])
            limits.append([quota_out, quota_in])
        title = _("Departures and arrivals per day against the quota")
        chart = Chart(
            key="chart-departures-arrivals",
            title=title,
            categories=[_day_label(day) for day in self.days],
            series=[_("Departures"), _("Arrivals")],
            values=values,
            limits=limits,
            limit_label=_("Quota of the day (dashed line)"),
            hidden_below=self.threshold or 0,
        )
        return Table(
            name="departures_arrivals",
            title=title,
            note=_(
                "People who crossed each day, companions included, against the quota of the open "
                "crossing days (all crossings together)."
            ),
            keys=list(rows[0]) if rows else [],
            headers=[
                _("Date"),
                _("Quota out"),
                _("Departures"),
                _("Turned back (out)"),
                _("Quota in"),
                _("Arrivals"),
                _("Turned back (in)"),
            ],
            rows=rows,
            cells=cells,
            chart=self.chart(column_chart, chart),
        )

    def coordination_stops(self) -> Table:
        f = self.f
        rows: list[dict[str, Any]] = []
        cells: list[list[Any]] = []
        values: list[list[Value]] = []
        for kind in STOPS:

            def count(no_reason: bool, kind: str = kind) -> int:
                return _total(
                    f.stops, self.period_days, lambda k: k[1] == kind and k[2] == no_reason
                )

            with_reason, no_reason = count(False), count(True)
            rows.append(
                {"kind": str(kind), "with_reason": with_reason, "no_reason_given": no_reason}
            )
            cells.append([kind.label, with_reason, no_reason])
            values.append([with_reason, no_reason])
        title = _("Cancellations, suspensions and postponements, with and without a reason")
        chart = Chart(
            key="chart-stops",
            title=title,
            categories=[str(kind.label) for kind in STOPS],
            series=[_("With a reason"), _("No reason given")],
            values=values,
        )
        return Table(
            name="coordination_stops",
            title=title,
            note=_("Coordination events recorded in the period, by the day they were recorded."),
            keys=["kind", "with_reason", "no_reason_given"],
            headers=[_("Coordination event"), _("With a reason"), _("No reason given")],
            rows=rows,
            cells=cells,
            chart=self.chart(bar_chart, chart),
        )

    def clearance_refusals(self) -> Table:
        f = self.f
        totals: dict[str, int] = defaultdict(int)
        for (day, party), n in f.refusals.items():
            if day in self.period_days:
                totals[party] += n
        ordered = sorted(totals.items(), key=lambda item: (-item[1], f.parties[item[0]]))
        shown = [(party, self.people(n)) for party, n in ordered]
        rows = [{"party": party, "refusals": n} for party, n in shown]
        cells = [[f.parties[party], n] for party, n in shown]
        title = _("Clearance refusals by party")
        chart = Chart(
            key="chart-refusals",
            title=title,
            categories=[f.parties[party] for party, _n in shown],
            series=[_("People refused clearance")],
            values=[[n] for _party, n in shown],
            hidden_below=self.threshold or 0,
        )
        return Table(
            name="clearance_refusals",
            title=title,
            note=_("People whose clearance was refused in the period, by the refusing party."),
            keys=["party", "refusals"],
            headers=[_("Party"), _("People refused clearance")],
            rows=rows,
            cells=cells,
            chart=self.chart(bar_chart, chart) if rows else None,
        )

    def deaths_by_day(self) -> Table:
        f = self.f
        rows, cells, values = [], [], []
        for day in self.days:
            counts = [f.deaths.get((day, tier.pk), 0) for tier in f.tiers]
            row: dict[str, Any] = {"date": day.isoformat()}
            row.update({tier.code: self.people(n) for tier, n in zip(f.tiers, counts, strict=True)})
            row["total"] = self.total(counts)
            rows.append(row)
            cells.append([_row_day(day), *list(row.values())[1:]])
            values.append([row[tier.code] for tier in f.tiers])
        title = _("Deaths while waiting, per day and urgency")
        chart = Chart(
            key="chart-deaths",
            title=title,
            categories=[_day_label(day) for day in self.days],
            series=[local_name(tier) for tier in f.tiers],
            values=values,
            hidden_below=self.threshold or 0,
            stacked=True,
            totals=[row["total"] for row in rows],
        )
        return Table(
            name="deaths_by_day",
            title=title,
            note=_("Patients whose death while waiting was recorded that day, by their urgency."),
            keys=["date", *(tier.code for tier in f.tiers), "total"],
            headers=[_("Date"), *(local_name(tier) for tier in f.tiers), _("Total")],
            rows=rows,
            cells=cells,
            chart=self.chart(column_chart, chart),
        )

    def backlog_by_urgency(self) -> Table:
        f = self.f
        rows = [
            {
                "urgency": t.code,
                "waiting": self.total(self.waiting_parts(t), total=f.waiting.get(t.pk, 0)),
            }
            for t in f.tiers
        ]
        cells = [[local_name(t), row["waiting"]] for t, row in zip(f.tiers, rows, strict=True)]
        title = _("Backlog by urgency now")
        chart = Chart(
            key="chart-backlog",
            title=title,
            categories=[local_name(t) for t in f.tiers],
            series=[_("Cases waiting")],
            values=[[row["waiting"]] for row in rows],
            hidden_below=self.threshold or 0,
        )
        return Table(
            name="backlog_by_urgency",
            title=title,
            note=_(
                "Corridor does not keep the size of the waiting list day by day: this is the "
                "backlog today. The next table shows the cases that joined and left it in the "
                "period."
            ),
            keys=["urgency", "waiting"],
            headers=[_("Urgency"), _("Cases waiting")],
            rows=rows,
            cells=cells,
            chart=self.chart(bar_chart, chart),
        )

    def waiting_list_flows(self) -> Table:
        f = self.f
        rows, cells, values = [], [], []
        for tier in f.tiers:

            def count(mapping: dict[Any, int], tier: UrgencyTier = tier) -> Value:
                return self.people(_total(mapping, self.period_days, lambda key: key[1] == tier.pk))

            row = {
                "urgency": tier.code,
                "approved": count(f.approved),
                "departed": count(f.departed),
                # The sum of the tier's column of the deaths per day.
                "died": self.total([f.deaths.get((day, tier.pk), 0) for day in self.days]),
            }
            rows.append(row)
            cells.append([local_name(tier), row["approved"], row["departed"], row["died"]])
            values.append([row["approved"], row["departed"], row["died"]])
        title = _("Joined and left the waiting list in the period, by urgency")
        series = [_("Approved (joined)"), _("Departed (patients who crossed)"), _("Died")]
        chart = Chart(
            key="chart-flows",
            title=title,
            categories=[local_name(t) for t in f.tiers],
            series=series,
            values=values,
            hidden_below=self.threshold or 0,
        )
        return Table(
            name="waiting_list_flows",
            title=title,
            note=_(
                "Cases approved for evacuation, patients who crossed and patients who died while "
                "waiting, in the period."
            ),
            keys=["urgency", "approved", "departed", "died"],
            headers=[_("Urgency"), *series],
            rows=rows,
            cells=cells,
            chart=self.chart(bar_chart, chart),
        )


TABLES: dict[str, Callable[[_Builder], Table]] = {
    "figures": _Builder.figures,
    "departures_arrivals": _Builder.departures_arrivals,
    "coordination_stops": _Builder.coordination_stops,
    "clearance_refusals": _Builder.clearance_refusals,
    "deaths_by_day": _Builder.deaths_by_day,
    "backlog_by_urgency": _Builder.backlog_by_urgency,
    "waiting_list_flows": _Builder.waiting_list_flows,
}


def report_tables(
    figures: Figures, *, threshold: int | None, rtl: bool = False, charts: bool = True
) -> list[Table]:
    """Every table of the page, in page order; `threshold` hides smaller counts of people."""
    builder = _Builder(figures, threshold, rtl, charts)
    return [build(builder) for build in TABLES.values()]


def report_table(figures: Figures, name: str, *, threshold: int | None) -> Table:
    """One table, for a file: no chart drawn."""
    return TABLES[name](_Builder(figures, threshold, rtl=False, charts=False))
