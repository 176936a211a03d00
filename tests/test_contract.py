from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from invoicer.contract import ContractViolation, contract_problems, schema, validate_output
from invoicer.document import FIELD_NAMES
from tests.test_document import sample_extraction


def test_schema_is_valid_2020_12_and_names_every_field() -> None:
    s = schema()
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(s["properties"]["fields"]["properties"]) == list(FIELD_NAMES)
    assert FIELD_NAMES == (
        "vendor_name",
        "vendor_address",
        "vendor_tax_id",
        "customer_name",
        "invoice_number",
        "invoice_date",
        "due_date",
        "po_number",
        "currency",
        "subtotal",
        "tax_total",
        "total",
        "iban",
    )


def test_model_output_conforms() -> None:
    validate_output(sample_extraction().to_dict())


@pytest.mark.parametrize(
    ("field", "bad_value"),
    [
        ("invoice_date", "14.03.2024"),
        ("due_date", "2024-13-01"),
        ("total", "1.234,56"),
        ("total", "€119"),
        ("currency", "€"),
        ("currency", "eur"),
    ],
)
def test_unnormalized_values_are_rejected(field: str, bad_value: str) -> None:
    data = sample_extraction().to_dict()
    data["fields"][field] = {"value": bad_value, "raw": bad_value, "confidence": 0.5, "page": 1, "bbox": None}
    problems = contract_problems(data)
    assert problems and any(field in p for p in problems)
    with pytest.raises(ContractViolation):
        validate_output(data)


def test_unknown_fields_and_statuses_are_rejected() -> None:
    data = sample_extraction().to_dict()
    bad = copy.deepcopy(data)
    bad["fields"]["amount_due"] = {"value": "1.00", "confidence": 0.5}
    assert contract_problems(bad)
    bad = copy.deepcopy(data)
    bad["status"] = "ok"
    assert contract_problems(bad)


def test_null_field_means_not_found() -> None:
    data = sample_extraction().to_dict()
    data["fields"]["iban"] = None
    assert contract_problems(data) == []


def test_failed_status_requires_an_error() -> None:
    data = sample_extraction().to_dict()
    data["status"] = "failed"
    data["error"] = None
    assert contract_problems(data)
    data["error"] = {"code": "corrupt", "message": "damaged", "hint": None, "page": None}
    assert contract_problems(data) == []
