"""The planner: quotas, companions, stretchers, beds, family groups, lead time, standby."""

from __future__ import annotations

import datetime

from corridor.planning import Options, ReasonCode, Role, Rules, Status, plan
from corridor.planning.vocabulary import Clearance
from tests.planning.builders import (
    FAST,
    FIRST_DAY,
    PLANNED_AT,
    beds,
    case,
    companion,
    day,
    problem,
)
from tests.planning.checks import assert_honours_constraints


def test_the_most_urgent_case_goes_first_and_earliest() -> None:
    stable = case("S", "stable", waited=300)
    critical = case("K", "critical", waited=1)
    result = plan(problem([stable, critical], [day(0, quota=1), day(1, quota=1)]), FAST)
    assert result.day(FIRST_DAY).case_ids() == ("K",)
    assert result.explanation("S").date == FIRST_DAY + datetime.timedelta(days=1)


def test_the_daily_quota_counts_companions() -> None:
    cases = [case(f"P{i}", companions=2) for i in range(4)]
    result = plan(problem(cases, [day(0, quota=7)]), FAST)
    members = result.days[0].members
    assert len(members) == 6
    assert [m.role for m in members[:3]] == [Role.PATIENT, Role.COMPANION, Role.COMPANION]


def test_a_refused_companion_is_left_behind_and_the_patient_travels() -> None:
    refused = companion("P-c0", Clearance.REFUSED)
    result = plan(problem([case("P", companions=(refused, companion("P-c1")))]), FAST)
    people = [m.person_id for m in result.days[0].members]
    assert people == ["P", "P-c1"]
    assert ReasonCode.COMPANION_DROPPED in [r.code for r in result.explanation("P").reasons]


def test_a_child_whose_adult_companion_was_refused_waits_for_a_replacement() -> None:
    refused = companion("K-c0", Clearance.REFUSED)
    child = case("K", age=6, companions=(refused, companion("K-c1", adult=False)))
    explanation = plan(problem([child]), FAST).explanation("K")
    assert explanation.status is Status.INELIGIBLE
    assert explanation.code is ReasonCode.COMPANION_REFUSED_REPLACEMENT_NEEDED
    assert explanation.text_en.startswith("companion refused, replacement needed")


def test_a_child_travels_with_an_adult_even_when_companions_are_limited() -> None:
    people = (companion("K-c0", adult=False), companion("K-c1", adult=False), companion("K-c2"))
    result = plan(problem([case("K", age=9, companions=people)]), FAST)
    assert [m.person_id for m in result.days[0].members] == ["K", "K-c2", "K-c0"]
    assert ReasonCode.COMPANIONS_LIMITED in [r.code for r in result.explanation("K").reasons]


def test_stretcher_places_limit_each_day() -> None:
    cases = [case(f"S{i}", stretcher=True) for i in range(3)]
    result = plan(problem(cases, [day(0, stretchers=2)]), FAST)
    assert result.days[0].stretchers_used == 2
    waiting = [e for e in result.explanations if e.status is not Status.PLANNED]
    assert [e.code for e in waiting] == [ReasonCode.NO_STRETCHER_PLACE]


def test_beds_limit_a_destination_per_category_and_date() -> None:
    cases = [case(f"C{i}", category="cancer", party="recv-italy") for i in range(3)]
    rows = [beds("recv-italy", "cancer", 0, 1), beds("recv-italy", "cancer", 1, 1)]
    result = plan(problem(cases, [day(0), day(1)], bed_rows=rows), FAST)
    assert [len(d.case_ids()) for d in result.days] == [1, 1]
    waiting = [e for e in result.explanations if e.status is not Status.PLANNED]
    assert waiting[0].code is ReasonCode.BEDS_TAKEN


def test_a_case_without_a_bed_in_the_horizon_says_when_one_is_accepted() -> None:
    later = case("L", category="cancer", accepted_from=7)
    explanation = plan(problem([later]), FAST).explanation("L")
    assert explanation.code is ReasonCode.NO_BED_BEFORE
    assert explanation.text_en == "no cancer bed accepted before 12 Feb"
    assert explanation.text_ar == "لا يوجد سرير أورام مقبول قبل 12 فبراير"


def test_a_waiting_case_is_told_how_many_more_urgent_cases_are_ahead() -> None:
    critical = [case(f"K{i:02d}", "critical", companions=0) for i in range(41)]
    stable = case("S", "stable")
    result = plan(problem([*critical, stable], [day(0, quota=20)]), FAST)
    explanation = result.explanation("S")
    assert explanation.code is ReasonCode.OUTRANKED
    assert "outranked: 41 critical cases ahead" in explanation.text_en
    assert dict(explanation.reasons[-1].params)["ahead_critical"] == 41


def test_a_family_group_travels_on_one_day_or_not_at_all() -> None:
    group = [case("F1", family="fam", companions=2), case("F2", family="fam", companions=2)]
    single = case("X", "urgent")
    given = problem([*group, single], [day(0, quota=5), day(1, quota=6)])
    result = plan(given, FAST)
    assert result.explanation("F1").date == result.explanation("F2").date == day(1).date
    assert_honours_constraints(given, result)


def test_no_new_name_goes_on_a_list_inside_the_lead_time() -> None:
    late = datetime.datetime.combine(FIRST_DAY, datetime.time(8)) - datetime.timedelta(hours=12)
    result = plan(problem([case("P")], planned_at=late), FAST)
    assert not result.days[0].listable
    assert result.explanation("P").date == FIRST_DAY + datetime.timedelta(days=1)


def test_a_case_already_on_a_batch_stays_on_it() -> None:
    listed = case("L", "stable", waited=1, listed_on=2, told=True)
    others = [case(f"U{i}", "urgent") for i in range(10)]
    result = plan(problem([listed, *others]), FAST)
    explanation = result.explanation("L")
    assert explanation.date == FIRST_DAY + datetime.timedelta(days=2)
    assert ReasonCode.KEPT_ON_BATCH in [r.code for r in explanation.reasons]


def test_each_day_has_a_standby_list_of_the_next_cases_in_line() -> None:
    cases = [case(f"P{i:02d}", waited=100 - i) for i in range(20)]
    result = plan(problem(cases, [day(0, quota=4)], rules=Rules(standby_share=0.5)), FAST)
    standby = result.days[0].standby
    assert [s.case_id for s in standby] == ["P04", "P05"]
    assert result.explanation("P04").text_en.startswith("on standby for 5 Feb, position 1")


def test_every_plan_records_the_rules_version() -> None:
    rules = Rules(version="test-2026-03")
    result = plan(problem([case()], rules=rules), FAST)
    assert result.rules_version == "test-2026-03"
    assert result.to_dict()["rules_version"] == "test-2026-03"


def test_a_closed_day_gets_nobody() -> None:
    result = plan(problem([case("P")], [day(0, open=False), day(1)]), FAST)
    assert result.days[0].members == ()
    assert result.explanation("P").date == FIRST_DAY + datetime.timedelta(days=1)


def test_a_refused_patient_is_never_listed() -> None:
    refused = case("R", "critical", patient_clearance=Clearance.REFUSED)
    explanation = plan(problem([refused]), FAST).explanation("R")
    assert explanation.code is ReasonCode.PATIENT_REFUSED


def test_the_greedy_packer_and_cp_sat_agree_on_easy_problems() -> None:
    cases = [case(f"P{i}", companions=i % 3, waited=i * 10) for i in range(15)]
    given = problem(cases, [day(0, quota=8), day(1, quota=8)])
    greedy = plan(given, Options(solver="greedy"))
    exact = plan(given, Options(solver="cp-sat", time_limit=2.0, workers=1))
    assert greedy.stats.solver == "greedy"
    assert exact.stats.solver == "cp-sat" and exact.stats.status == "OPTIMAL"
    assert exact.stats.objective >= greedy.stats.objective
    assert_honours_constraints(given, greedy)
    assert_honours_constraints(given, exact)


def test_a_plan_reads_back_from_its_dict() -> None:
    result = plan(problem([case("P", companions=1), case("Q", accepted_from=None)]), FAST)
    from corridor.planning import Plan

    assert Plan.from_dict(result.to_dict()) == result


def test_explanations_are_in_the_problems_order() -> None:
    cases = [case("B", "stable"), case("A", "critical"), case("C", accepted_from=None)]
    result = plan(problem(cases), FAST)
    assert [e.case_id for e in result.explanations] == ["B", "A", "C"]
    assert result.explanation("A").rank == 1


def test_planning_an_empty_waiting_list_gives_empty_days() -> None:
    result = plan(problem([]), FAST)
    assert all(d.members == () for d in result.days)
    assert result.planned_at == PLANNED_AT


def test_a_case_whose_batch_day_closed_waits_for_a_re_plan_instead_of_moving() -> None:
    listed = case("L", listed_on=0, told=True)
    result = plan(problem([listed], [day(0, open=False), day(1)]), FAST)
    explanation = result.explanation("L")
    assert explanation.status is Status.WAITING and explanation.date == FIRST_DAY
    assert explanation.code is ReasonCode.BATCH_NEEDS_REPLAN
    assert result.days[1].standby == ()


def test_the_outranked_explanation_reads_in_arabic_too() -> None:
    critical = [case(f"K{i}", "critical") for i in range(3)]
    urgent = [case(f"U{i}", "urgent") for i in range(2)]
    no_standby = Rules(standby_share=0.0)
    given = problem([*critical, *urgent, case("S")], [day(0, quota=5)], rules=no_standby)
    explanation = plan(given, FAST).explanation("S")
    assert explanation.text_en == "outranked: 3 critical cases and 2 urgent cases ahead"
    assert explanation.text_ar == (
        "تسبقها حالات أعلى أولوية: 3 من الحالات الحرجة و2 من الحالات العاجلة"
    )


def test_synthetic_problems_are_the_same_for_the_same_seed() -> None:
    from corridor.planning.synthetic import generate_problem

    assert generate_problem(50, seed=4) == generate_problem(50, seed=4)
    assert generate_problem(50, seed=4) != generate_problem(50, seed=5)
