"""schemathesis over the whole API schema (the checked-in one), a bounded run: every operation, with
generated paths, queries and headers, answers as its schema says (no 500, status codes, content
types and bodies as documented)."""

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import ignored_auth, missing_required_header, positive_data_acceptance

from api.models import ApiKey

SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi-v1.json"
schema = schemathesis.openapi.from_dict(json.loads(SCHEMA.read_text()))


@pytest.fixture
def partner_key(transactional_db, editorial_groups, publish):
    publish()  # one live article, so detail routes have something to find
    key = ApiKey(name="Fuzzer", requests_per_minute=100_000)
    raw = key.issue()
    key.save()
    return raw


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_api_operation_answers_as_its_schema_says(case, partner_key, live_server):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {partner_key}"}
    # Every request carries a valid key (the 401 answers have tests of their own), so the checks that
    # expect the generated request to go without one do not apply.
    excluded = [ignored_auth, missing_required_header]
    if (case.query or {}).get("cursor"):
        excluded.append(positive_data_acceptance)  # opaque: only a `next` link's cursor is valid (else a 400)
    case.call_and_validate(base_url=live_server.url, excluded_checks=excluded)
