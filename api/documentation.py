"""The content API's documentation for people: /api/v1/docs/, rendered on the server from the
same OpenAPI schema machines read at /api/v1/openapi.json (django-ninja's interactive docs load
scripts from a CDN, which the site's CSP refuses)."""

from dataclasses import dataclass, field

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Parameter:
    name: str
    where: str
    required: bool
    type: str
    description: str


@dataclass
class Operation:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    answers: list[tuple[str, str]] = field(default_factory=list)


def _type(schema: dict) -> str:
    if "anyOf" in schema:
        return " or ".join(_type(option) for option in schema["anyOf"] if option.get("type") != "null")
    kind = schema.get("type", "string")
    return f"{kind} ({schema['format']})" if "format" in schema else kind


def operations(schema: dict) -> list[Operation]:
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method in METHODS:
            spec = methods.get(method)
            if spec is None:
                continue
            operation = Operation(
                method=method.upper(),
                path=path,
                summary=spec.get("summary", ""),
                description=spec.get("description", ""),
            )
            for parameter in spec.get("parameters", []):
                operation.parameters.append(
                    Parameter(
                        name=parameter["name"],
                        where=parameter["in"],
                        required=parameter.get("required", False),
                        type=_type(parameter.get("schema", {})),
                        description=parameter.get("description", parameter.get("schema", {}).get("description", "")),
                    )
                )
            operation.answers = [
                (code, answer.get("description", "")) for code, answer in sorted(spec.get("responses", {}).items())
            ]
            found.append(operation)
    return found


@require_GET
def documentation(request):
    from api.v1 import api

    schema = api.get_openapi_schema()
    return TemplateResponse(
        request,
        "api/documentation.html",
        {"schema_info": schema.get("info", {}), "operations": operations(schema)},
    )
