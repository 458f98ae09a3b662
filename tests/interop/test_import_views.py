"""Importing from the web: upload, a dry run to review, then the user's decision."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from corridor.accounts.models import Facility, Party, PartyKind, Role, User
from corridor.audit.models import AuditEvent
from corridor.cases.models import Case, UrgencyTier
from corridor.interop import pending
from corridor.interop.models import ImportChannel, ImportRun, ImportSource
from corridor.people.models import Person
from corridor.returns.models import EligibilityRule, ReturnRegistration
from tests.factories import (
    EligibilityRuleFactory,
    FacilityFactory,
    GovernorateFactory,
    PartyFactory,
    UrgencyTierFactory,
    UserFactory,
)
from tests.interop.test_import import (
    CASE_HEADERS,
    ID_1,
    ID_2,
    RETURN_HEADERS,
    returnee,
    write_csv,
)


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "var"


@pytest.fixture
def hospital(db: None) -> Facility:
    return FacilityFactory(code="al-amal", name_ar="مستشفى الأمل", name_en="Al-Amal Hospital")


@pytest.fixture
def tiers(db: None) -> list[UrgencyTier]:
    return [
        UrgencyTierFactory(code="critical", name_ar="حرج", name_en="Critical", rank=1),
        UrgencyTierFactory(code="urgent", name_ar="عاجل", name_en="Urgent", rank=2),
    ]


@pytest.fixture
def embassy(db: None) -> Party:
    return PartyFactory(code="embassy-cairo", kind=PartyKind.EMBASSY)


@pytest.fixture
def rule(db: None) -> EligibilityRule:
    GovernorateFactory(code="khan-younis", name_ar="خان يونس", name_en="Khan Younis")
    return EligibilityRuleFactory(code="after-7-oct")


@pytest.fixture
def returns_officer(embassy: Party) -> User:
    return UserFactory(username="returns", party=embassy, roles=[Role.RETURNS_OFFICER])


def signed_in(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def case_row(name: str, national_id: str, *, category: str = "cancer") -> list[str]:
    return [
        name,
        "02/03/1960",
        "F",
        national_id,
        "al-amal",
        "21/01/2026",
        category,
        "",
        "urgent",
        "",
    ]


GOOD = case_row("ليلى سمير حسن قديح", ID_1)
BAD = case_row("سعيد علي حسن الغول", ID_2, category="زكام")


def upload(client: Client, kind: str, path: Path, source: str = "") -> str:
    """Upload a file; the address of its dry run."""
    with path.open("rb") as stream:
        response = client.post(f"/imports/{kind}/", {"file": stream, "source": source})
    assert response.status_code == 302, response.content.decode()[:2000]
    location: str = response["Location"]
    assert re.fullmatch(rf"/imports/{kind}/[A-Za-z0-9_-]+/", location)
    return location


def waiting_files() -> list[Path]:
    folder = pending.directory()
    return sorted(folder.iterdir()) if folder.exists() else []


def test_an_upload_shows_the_dry_run_with_each_rejected_row_and_writes_nothing(
    coordinator, hospital, tiers, tmp_path
):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "list.csv", CASE_HEADERS, [GOOD, BAD]))

    page = client.get(preview).content.decode()

    assert "A dry run: nothing has been written yet." in page
    assert "Rows read</dt><dd>2" in page and "Rejected</dt><dd>1" in page
    assert "<td>3</td><td>الفئة</td><td>unknown value &#x27;زكام&#x27;" in page
    assert "Import only the 1 valid row" in page
    assert 'value="import"' not in page  # an atomic import cannot succeed
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="import.cases").exists()


def test_importing_writes_every_row_in_one_step_audits_it_and_deletes_the_file(
    coordinator, hospital, tiers, tmp_path
):
    client = signed_in(coordinator)
    second = case_row("أحمد محمود خليل عياد", ID_2)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD, second]))
    assert len(waiting_files()) == 1

    response = client.post(preview, {"decision": "import"})

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/imports/{run.pk}/"
    assert Case.objects.count() == 2
    assert (run.kind, run.channel, run.imported_by, run.file_name) == (
        "cases",
        ImportChannel.WEB,
        coordinator,
        "l.csv",
    )
    assert run.counts["created"] == 2 and not run.kept_valid_rows
    event = AuditEvent.objects.get(action="import.cases")
    assert event.actor == coordinator and event.data["channel"] == "web"
    assert event.object_id == str(run.pk)
    assert waiting_files() == []
    page = client.get(response["Location"]).content.decode()
    assert "Imported: 2 created, 0 linked" in page and "l.csv" in page


def test_asking_for_an_atomic_import_of_a_file_with_a_rejected_row_writes_nothing(
    coordinator, hospital, tiers, tmp_path
):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD, BAD]))

    response = client.post(preview, {"decision": "import"})

    assert response.status_code == 200
    assert "1 rows were rejected, so nothing was imported." in response.content.decode()
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not ImportRun.objects.exists()
    assert len(waiting_files()) == 1  # still there to decide again


def test_keeping_the_valid_rows_imports_them_and_offers_the_rejected_ones_with_reasons(
    coordinator, hospital, tiers, tmp_path
):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD, BAD]))
    before = client.get(preview + "rejected.csv")
    assert before.status_code == 200 and before["Cache-Control"] == "no-store"

    response = client.post(preview, {"decision": "keep_valid"})

    run = ImportRun.objects.get()
    assert run.kept_valid_rows and run.counts["rejected"] == 1
    assert run.report["errors"][0]["row"] == 3
    assert list(Case.objects.values_list("patient__national_id", flat=True)) == [ID_1]
    token = preview.rstrip("/").rsplit("/", 1)[1]
    assert response["Location"] == f"/imports/{run.pk}/?rejected={token}"
    page = client.get(response["Location"]).content.decode()
    assert f"/imports/cases/{token}/rejected.csv" in page
    download = client.get(f"/imports/cases/{token}/rejected.csv")
    text = download.content.decode("utf-8-sig")
    assert text == before.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["row", *CASE_HEADERS, "reason"]
    assert rows[1][0] == "3" and rows[1][4] == ID_2
    assert rows[1][-1].startswith("الفئة: unknown value 'زكام'")
    # Only the rejected rows stay on the server, and the file cannot be imported a second time.
    kept = pending.load(coordinator, token, "cases")
    assert kept.content == pending.REJECTED and ID_1 not in kept.data.decode()
    again = client.post(preview, {"decision": "keep_valid"})
    assert again.status_code == 302 and again["Location"] == "/imports/cases/"
    assert ImportRun.objects.count() == 1


def test_the_waiting_file_is_encrypted_and_only_its_uploader_may_open_it(
    coordinator, hospital, tiers, tmp_path
):
    preview = upload(
        signed_in(coordinator), "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD])
    )
    (stored,) = waiting_files()
    raw = stored.read_bytes()
    assert ID_1.encode() not in raw and "قديح".encode() not in raw
    assert stored.stat().st_mode & 0o077 == 0

    other = UserFactory(username="coordinator2", roles=[Role.COORDINATOR])
    response = signed_in(other).get(preview, follow=True)
    assert response.redirect_chain[0] == ("/imports/cases/", 302)
    assert "no longer waiting" in response.content.decode()
    assert ID_1 not in response.content.decode()
    assert signed_in(other).get(preview + "rejected.csv").status_code == 302
    assert signed_in(other).post(preview, {"decision": "import"}).status_code == 302
    assert not Case.objects.exists()


def test_discarding_deletes_the_waiting_file(coordinator, hospital, tiers, tmp_path):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD]))

    response = client.post(preview, {"decision": "discard"}, follow=True)

    assert "The file was discarded; nothing was imported." in response.content.decode()
    assert waiting_files() == [] and not Case.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message_and_not_kept(
    coordinator, tmp_path
):
    client = signed_in(coordinator)
    binary = tmp_path / "list.xlsx"
    binary.write_bytes(b"\x00\x01\x02 not a spreadsheet")
    with binary.open("rb") as stream:
        response = client.post("/imports/cases/", {"file": stream})
    assert response.status_code == 200
    assert "The file&#x27;s content is not one of: xlsx, ods, csv." in response.content.decode()
    headers_only = tmp_path / "fake.xlsx"
    headers_only.write_bytes(b"PK\x03\x04[Content_Types].xml broken zip")
    with headers_only.open("rb") as stream:
        response = client.post("/imports/cases/", {"file": stream})
    assert "The XLSX file cannot be read" in response.content.decode()
    assert waiting_files() == []


def test_choosing_what_a_column_gives_completes_the_file_and_is_saved_for_its_sender(
    returns_officer, rule, tmp_path
):
    client = signed_in(returns_officer)
    headers = ["Name", "Born", "Left on", "المحافظة"]
    rows = [["محمد أحمد علي النجار", "17/05/1990", "15/01/2024", "خان يونس"]]
    preview = upload(client, "returns", write_csv(tmp_path / "r.csv", headers, rows), "desk-2")

    first = client.get(preview).content.decode()
    assert "No column for: date of birth, departure date" in first
    assert 'name="decision" value="keep_valid"' not in first
    response = client.post(
        preview, {"recheck": "1", "column_0": "full_name", "column_1": "date_of_birth",
                  "column_2": "departure_date", "column_3": "residence"},
    )  # fmt: skip
    assert response.status_code == 302
    second = client.get(preview).content.decode()
    assert "Rows read</dt><dd>1" in second and 'value="import"' in second

    client.post(preview, {"decision": "import"})

    registration = ReturnRegistration.objects.get()
    assert registration.registered_with == returns_officer.party
    assert ImportSource.objects.get(name="desk-2", kind="returns").mapping["born"] == (
        "date_of_birth"
    )
    form = client.get("/imports/returns/").content.decode()
    assert '<option value="desk-2">' in form


def test_a_returns_officer_imports_returnees_registered_with_their_own_party(
    returns_officer, embassy, rule, tmp_path
):
    client = signed_in(returns_officer)
    rows = [returnee("محمد أحمد علي النجار", "17/05/1990", ID_1)]
    preview = upload(client, "returns", write_csv(tmp_path / "r.csv", RETURN_HEADERS, rows))

    client.post(preview, {"decision": "import"})

    registration = ReturnRegistration.objects.get()
    assert registration.registered_with == embassy and registration.status == "eligible"
    run = ImportRun.objects.get()
    assert run.party == embassy and run.counts["created"] == 1
    assert AuditEvent.objects.get(action="import.returns").actor == returns_officer


def test_each_role_may_start_only_the_import_its_role_allows(
    coordinator, returns_officer, liaison, outsider
):
    analyst = UserFactory(username="analyst", roles=[Role.ANALYST])
    expected = {
        "/imports/": {"coordinator": 200, "returns": 200, "liaison": 403, "analyst": 403},
        "/imports/cases/": {"coordinator": 200, "returns": 403, "liaison": 403, "analyst": 403},
        "/imports/returns/": {"coordinator": 403, "returns": 200, "liaison": 403, "analyst": 403},
    }
    users = {"coordinator": coordinator, "returns": returns_officer, "liaison": liaison}
    users["analyst"] = analyst
    for path, statuses in expected.items():
        for who, status in statuses.items():
            assert signed_in(users[who]).get(path).status_code == status, (who, path)
        assert signed_in(outsider).get(path).status_code == 403
        anonymous = Client().get(path)
        assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    list_page = signed_in(returns_officer).get("/imports/").content.decode()
    assert "/imports/returns/" in list_page and "/imports/cases/" not in list_page


def test_past_imports_are_shown_to_those_who_may_see_them_and_404_to_others(
    coordinator, returns_officer, embassy
):
    other_embassy = PartyFactory(code="embassy-amman", kind=PartyKind.EMBASSY)

    def run(kind: str, party: Party | None, name: str) -> ImportRun:
        return ImportRun.objects.create(
            kind=kind, file_name=name, channel="api", party=party, imported_at="2026-02-03T10:00Z"
        )

    cases = run("cases", None, "cases.xlsx")
    ours = run("returns", embassy, "ours.csv")
    theirs = run("returns", other_embassy, "theirs.csv")

    returns_page = signed_in(returns_officer).get("/imports/").content.decode()
    assert "ours.csv" in returns_page
    assert "theirs.csv" not in returns_page and "cases.xlsx" not in returns_page
    coordinator_page = signed_in(coordinator).get("/imports/").content.decode()
    assert "cases.xlsx" in coordinator_page and "ours.csv" not in coordinator_page
    assert signed_in(returns_officer).get(f"/imports/{ours.pk}/").status_code == 200
    for path in (f"/imports/{theirs.pk}/", f"/imports/{cases.pk}/", "/imports/999999/"):
        assert signed_in(returns_officer).get(path).status_code == 404
    refusals = AuditEvent.objects.filter(action="permission.refused", actor=returns_officer)
    assert refusals.count() == 3


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"input", "select", "textarea"} and values.get("type") != "hidden":
            self.fields.append(values.get("id") or f"<{tag} name={values.get('name')}>")
        if tag == "label" and values.get("for"):
            self.labelled.add(str(values["for"]))


def test_every_input_of_the_import_pages_has_a_label(coordinator, hospital, tiers, tmp_path):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD, BAD]))
    for path in ("/imports/cases/", preview):
        parser = _Inputs()
        parser.feed(client.get(path).content.decode())
        # The language switcher and sign-out are buttons; every field is labelled.
        assert parser.fields, path
        assert [f for f in parser.fields if f not in parser.labelled] == [], path


def test_the_list_of_past_imports_takes_the_same_queries_however_many_there_are(coordinator):
    client = signed_in(coordinator)

    def add(count: int) -> None:
        for number in range(count):
            ImportRun.objects.create(
                kind="cases", file_name=f"{number}.csv", channel="web", imported_by=coordinator,
                imported_at="2026-02-03T10:00Z",
            )  # fmt: skip

    add(2)
    client.get("/imports/")  # the session's first request writes more than the next ones
    with CaptureQueriesContext(connection) as few:
        assert client.get("/imports/").status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/imports/").content.decode()
    assert "19.csv" in page
    assert len(many) == len(few)


def test_a_decision_sent_twice_imports_the_file_once(coordinator, hospital, tiers, tmp_path):
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD]))

    first = client.post(preview, {"decision": "import"})
    second = client.post(preview, {"decision": "import"}, follow=True)

    assert first.status_code == 302
    assert "no longer waiting" in second.content.decode()
    assert ImportRun.objects.count() == 1 and Case.objects.count() == 1


def test_a_file_another_request_is_already_importing_is_not_imported_again(
    coordinator, hospital, tiers, tmp_path, monkeypatch
):
    """Two clicks that both loaded the file before either imported it: only one claims it."""
    client = signed_in(coordinator)
    preview = upload(client, "cases", write_csv(tmp_path / "l.csv", CASE_HEADERS, [GOOD]))
    real_claim = pending.claim

    def claimed_first_by_the_other_click(kept: pending.PendingImport) -> None:
        real_claim(kept)  # the other request got there first
        real_claim(kept)

    monkeypatch.setattr(pending, "claim", claimed_first_by_the_other_click)

    response = client.post(preview, {"decision": "import"}, follow=True)

    assert response.redirect_chain[-1][0] == "/imports/"
    assert "already being imported" in response.content.decode()
    assert not ImportRun.objects.exists() and not Case.objects.exists()
    assert not Person.objects.exists()
    # The other request holds the file: the refused one did not put it back.
    assert [path.name.endswith(".claimed") for path in waiting_files()] == [True]
