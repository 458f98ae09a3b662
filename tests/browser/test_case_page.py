"""The case page in a real browser: a coordinator and a receiving liaison act on a case."""

from __future__ import annotations

from corridor.cases.models import Case, CaseStatus, DestinationOffer, OfferStatus
from tests.browser.conftest import PHONE


def _offered_to(party_code: str) -> DestinationOffer:
    offer = (
        DestinationOffer.objects.filter(
            receiving_party__code=party_code, status=OfferStatus.OFFERED
        )
        .select_related("case")
        .order_by("pk")
        .first()
    )
    assert offer is not None
    return offer


def test_a_coordinator_offers_a_case_in_place_and_is_told_why_a_withdrawal_is_refused(visit):
    case = Case.objects.filter(status=CaseStatus.APPROVED).order_by("pk").first()
    assert case is not None
    coordinator = visit("coordinator")
    coordinator.sign_in("coordinator")
    coordinator.switch_language("en")
    page = coordinator.open(f"/cases/{case.reference}/")
    assert page.locator("h1").inner_text() == f"Case {case.reference}"
    assert "Your role does not show the clinical summary" in page.inner_text("#case-clinical")
    assert coordinator.accessibility_violations() == []
    coordinator.screenshot("case")

    page.locator("details.action-offer summary").click()
    page.get_by_label("Receiving party").select_option(label="Qatar")
    with page.expect_response(lambda r: r.url.endswith("/offer/")) as answer:
        page.locator("#case-actions form").first.locator("button[type=submit]").click()
    assert answer.value.status == 200
    page.wait_for_selector("#case-actions .done")
    assert f"Case {case.reference} was offered." in page.inner_text("#case-actions")
    assert "Qatar" in page.inner_text("#case-offers")
    assert "Offered to Qatar" in page.inner_text("#case-timeline")
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OFFERED

    # Someone else records the patient's death meanwhile; this page still offers a withdrawal.
    from corridor.accounts.models import User
    from corridor.cases import services

    services.record_death(case, actor=User.objects.get(username="coordinator"))
    page.locator("details.action-withdraw summary").click()
    page.get_by_label("Why the case is withdrawn").fill("The family found treatment elsewhere")
    with page.expect_response(lambda r: r.url.endswith("/withdraw/")) as refused:
        page.locator("details.action-withdraw button[type=submit]").click()
    assert refused.value.status == 409
    page.wait_for_selector("#case-actions [role=alert]")
    assert "cannot go from 'died' to 'withdrawn'" in page.inner_text("#case-actions")


def test_a_liaison_accepts_a_case_on_a_phone_and_cannot_open_one_not_offered(visit):
    offer = _offered_to("recv-egypt")
    other = (
        Case.objects.exclude(offers__receiving_party__code="recv-egypt")
        .filter(status=CaseStatus.OFFERED)
        .order_by("pk")
        .first()
    )
    assert other is not None
    liaison = visit("liaison", viewport=PHONE)
    liaison.sign_in("liaison")
    liaison.switch_language("ar")
    page = liaison.open(f"/cases/{offer.case.reference}/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert offer.case.patient.name_latin not in page.content()
    assert not liaison.overflows()
    assert liaison.accessibility_violations() == []
    liaison.screenshot("case")

    page.locator("details.action summary").first.click()
    page.locator("details.action input[type=date]").first.fill("2026-02-12")
    page.locator("details.action button[type=submit]").first.click()
    page.wait_for_selector("#case-actions .done")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert str(offer.available_from) == "2026-02-12"
    liaison.switch_language("en")
    liaison.screenshot("case-accepted")

    response = page.goto(liaison.base + f"/cases/{other.reference}/")
    assert response is not None and response.status == 404
