"""Validators for bibliographic identifiers, library keys and links."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator

from references.keys import KEY_PATTERN

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_PATTERN = re.compile(r"^[1-9]\d{0,8}$")

validate_http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)

# A source's (and a picture's) key, as cited in a body: [@key], ![[image:key]].
validate_key = RegexValidator(
    KEY_PATTERN,
    "A key is lower-case letters, digits, - and _, starting with a letter (e.g. maquirriain2007).",
)


def validate_doi(value: str) -> None:
    """A DOI as printed in a citation: "10.1002/mus.20341" (no "doi:" prefix, no resolver URL)."""
    if not DOI_PATTERN.match(value):
        raise ValidationError(
            "%(value)s is not a DOI. A DOI looks like 10.1002/mus.20341 (without 'doi:' or https://doi.org/).",
            code="invalid_doi",
            params={"value": value},
        )


def validate_pmid(value: str) -> None:
    """A PubMed identifier: 1 to 9 digits, no leading zero."""
    if not PMID_PATTERN.match(value):
        raise ValidationError(
            "%(value)s is not a PubMed ID. A PMID is a number such as 15902691.",
            code="invalid_pmid",
            params={"value": value},
        )
