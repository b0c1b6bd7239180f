"""HTML pages: the one Jinja environment of the service, its filters, and ``render``.

Every literal is data: autoescape is on for every template, so nothing from the graph is
ever trusted as markup.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from kg.rdf.prefixes import shorten
from kg.views.base import href
from kg.views.keyfacts import DOSE_FIELDS, dose_text, number
from kg.views.models import Claim

__all__ = ["after_words", "before_words", "render", "templates", "with_head"]

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("kg.api", "templates"),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _by_type(claims: list[Claim]) -> list[tuple[str, list[Claim]]]:
    """Claims (already in the claim table's order) as ``(type label, claims)`` groups."""
    groups: dict[str, list[Claim]] = {}
    for c in claims:
        groups.setdefault(c.type_label or c.type, []).append(c)
    return list(groups.items())


def before_words(prefix: str) -> str:
    """The context before a quote from its first whole word (the selector's prefix is cut at
    a character count, often mid-word)."""
    m = re.match(r"\S*\s+", prefix)
    return prefix[m.end() :] if m and m.end() < len(prefix) else prefix


def after_words(suffix: str) -> str:
    """The context after a quote up to its last whole word."""
    m = re.search(r"\s+\S*$", suffix)
    return suffix[: m.start()] if m and m.start() > 0 else suffix


def _words(camel: str) -> str:
    """``PageFurniture`` -> ``page furniture``, ``NotAFact`` -> ``not a fact``: vocabulary
    names shown as text."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", camel).lower()


templates.filters["by_type"] = _by_type
templates.filters["words"] = _words
templates.filters["curie"] = shorten
templates.filters["href"] = href
templates.filters["before"] = before_words
templates.filters["after"] = after_words
templates.filters["number"] = number
templates.globals["dose_text"] = dose_text
templates.globals["DOSE_FIELDS"] = DOSE_FIELDS


def render(
    name: str, status: int = 200, headers: dict[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """A page from ``kg/api/templates`` (autoescaped)."""
    body = templates.get_template(name).render(**context)
    return HTMLResponse(body, status_code=status, headers=headers)


def with_head(router: APIRouter) -> None:
    """Answer ``HEAD`` wherever ``GET`` is answered (FastAPI does not), hidden from OpenAPI."""
    for route in list(router.routes):
        if isinstance(route, APIRoute) and route.methods == {"GET"}:
            router.add_api_route(
                route.path,
                route.endpoint,
                methods=["HEAD"],
                include_in_schema=False,
                response_class=route.response_class,
                name=f"{route.name}_head",
            )
