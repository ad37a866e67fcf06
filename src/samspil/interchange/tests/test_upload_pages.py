"""Import in the browser and through the API: administrators only, each upload its uploader's."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from samspil.interchange.tests.conftest import INVOLVEMENTS, good_files, table_counts, zip_bundle
from samspil.persons.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def good_zip(tmp_path):
    return zip_bundle(tmp_path / "good.zip", good_files()).read_bytes()


@pytest.fixture
def bad_zip(tmp_path):
    files = {**good_files(), "involvements.csv": INVOLVEMENTS + "J1,P3,bystander\r\n"}
    return zip_bundle(tmp_path / "bad.zip", files).read_bytes()


def upload(client, data: bytes, name: str = "bundle.zip"):
    return client.post("/import/", {"bundle": SimpleUploadedFile(name, data)},
                       HTTP_ACCEPT_LANGUAGE="en")


def token_of(response) -> str:
    match = re.search(r'action="/import/([A-Za-z0-9_-]{32})/bekraeft/"', response.content.decode())
    assert match, "no confirm form"
    return match.group(1)


def test_the_administrator_uploads_reads_the_dry_run_and_confirms(client_for, administrator,
                                                                  good_zip):
    client = client_for(administrator)
    assert client.get("/import/").status_code == 200
    response = upload(client, good_zip)
    assert response.status_code == 200
    assert "Check: no problems" in response.content.decode()
    assert table_counts()["persons"] == 0  # nothing before the confirmation
    token = token_of(response)
    response = client.post(f"/import/{token}/bekraeft/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The bundle was imported." in response.content.decode()
    assert set(Person.objects.values_list("owner_organisation__slug", flat=True)) == {
        "test-politi"}
    # The stored upload is gone: confirming twice finds nothing.
    assert client.post(f"/import/{token}/bekraeft/").status_code == 404


def test_the_dry_run_lists_the_problems_and_offers_no_confirmation(client_for, administrator,
                                                                   bad_zip):
    response = upload(client_for(administrator), bad_zip)
    page = response.content.decode()
    assert "1 problem in the bundle; nothing was imported." in page
    assert "involvements.csv" in page and "bystander" in page
    assert "bekraeft" not in page


def test_a_file_that_is_not_a_zip_is_refused(client_for, administrator):
    response = upload(client_for(administrator), b"person_key\r\n", name="persons.csv")
    assert response.status_code == 400
    assert "Upload a .zip file." in response.content.decode()


def test_the_upload_can_be_discarded(client_for, administrator, good_zip):
    client = client_for(administrator)
    token = token_of(upload(client, good_zip))
    assert client.post(f"/import/{token}/annuller/").status_code == 302
    assert client.post(f"/import/{token}/bekraeft/").status_code == 404
    assert table_counts()["persons"] == 0


@pytest.mark.parametrize("who", ["officer", "caseworker", "other_caseworker", "dpo"])
def test_non_administrators_are_refused_every_page_and_endpoint(request, client_for, who,
                                                                administrator, good_zip):
    token = token_of(upload(client_for(administrator), good_zip))
    client = client_for(request.getfixturevalue(who))
    assert client.get("/import/").status_code == 403
    assert upload(client, good_zip).status_code == 403
    assert client.post(f"/import/{token}/bekraeft/").status_code == 403
    assert client.post(f"/import/{token}/annuller/").status_code == 403
    response = client.post("/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", good_zip)})
    assert response.status_code == 403
    assert table_counts()["persons"] == 0


def test_the_outsider_cannot_confirm_the_districts_upload_nor_touch_its_records(
        client_for, administrator, outsider, good_zip):
    admin = client_for(administrator)
    token = token_of(upload(admin, good_zip))
    client = client_for(outsider)
    assert client.post(f"/import/{token}/bekraeft/").status_code == 404
    assert client.post(f"/import/{token}/annuller/").status_code == 404
    assert table_counts()["persons"] == 0
    # The district imports; the outsider's bundle with the same keys is refused whole.
    assert admin.post(f"/import/{token}/bekraeft/").status_code == 200
    response = client.post("/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", good_zip)},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    messages = {problem["message"] for problem in response.json()["problems"]}
    assert messages == {"the key is used by a record your organisation does not own"}
    assert set(Person.objects.values_list("owner_organisation__slug", flat=True)) == {
        "test-politi"}
    assert "Søren" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login(client, good_zip):
    assert client.get("/import/").status_code == 302
    response = client.post("/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", good_zip)})
    assert response.status_code == 401


def test_the_api_checks_then_imports(client_for, administrator, good_zip):
    client = client_for(administrator)
    response = client.post("/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", good_zip),
                                               "dry_run": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["counts"]["persons.csv"]["rows"] == 3
    assert table_counts()["persons"] == 0
    response = client.post("/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", good_zip)})
    assert response.status_code == 200
    assert response.json()["counts"]["involvements.csv"] == {
        "rows": 3, "created": 3, "updated": 0, "unchanged": 0}
    assert table_counts()["involvements"] == 3


def test_the_api_answers_400_with_the_problems(client_for, administrator, bad_zip):
    response = client_for(administrator).post(
        "/api/v1/imports", {"bundle": SimpleUploadedFile("b.zip", bad_zip)},
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"problem_count": 1, "problems": [{
        "file": "involvements.csv", "line": 5, "column": "role",
        "message": "unknown value bystander; use one of suspect, charged, victim, witness, "
                   "reporter, involved, child_present"}]}
    assert table_counts()["persons"] == 0
