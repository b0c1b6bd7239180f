"""Service limits and options: defaults here, overridden by ``DMKG_*`` variables or CLI options.

Every limit has a finite default, so no request can hold the service without bound; 0 never
means "unlimited" except for ``worker_memory_mb``.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

if TYPE_CHECKING:  # imported where used: `kg --help` builds its options from these fields
    from kg.query.guards import QueryLimits
    from kg.query.service import PoolLimits

__all__ = ["Settings"]


class Settings(BaseSettings):
    """Options of ``kg serve`` and ``kg query`` (env prefix ``DMKG_``, e.g. ``DMKG_MAX_ROWS``)."""

    model_config = SettingsConfigDict(env_prefix="DMKG_", extra="ignore", frozen=True)

    host: str = Field(
        default="127.0.0.1", description="address to bind; loopback unless told otherwise"
    )
    port: int = Field(default=8000, ge=0, le=65535, description="TCP port to bind")
    release: Path = Field(default=Path("dist"), description="release folder built by `kg build`")
    cache_dir: Path | None = Field(
        default=None, description="store cache (default: .cache/store beside the release)"
    )
    store: str | None = Field(
        default=None,
        description="SPARQL query endpoint of a store `kg publish` loaded (default: embedded store)",
    )
    store_auth: SecretStr | None = Field(
        default=None, description="user:password for the remote store (HTTP Basic)"
    )
    store_auth_env: str | None = Field(
        default=None,
        description="name of a variable holding user:password for the store, else DMKG_STORE_AUTH",
    )
    queries_dir: Path = Field(default=Path("queries"), description="named queries (*.rq)")
    base_url: str | None = Field(
        default=None, description="public base URL used in links (default: from the request)"
    )

    query_timeout: float = Field(
        default=10.0, gt=0, le=3600, description="seconds a query may run before it is killed"
    )
    max_concurrent: int = Field(
        default=2, ge=1, le=64, description="query worker processes (queries run at once)"
    )
    max_queued: int = Field(
        default=8, ge=0, le=1024, description="queries waiting for a worker before 503"
    )
    max_rows: int = Field(
        default=10_000,
        ge=1,
        le=10_000_000,
        description="rows/triples per answer; more is truncated and flagged",
    )
    max_query_bytes: int = Field(
        default=100_000, ge=100, le=10_000_000, description="UTF-8 size of a query"
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1_000, le=100_000_000, description="request body size"
    )
    max_depth: int = Field(
        default=64, ge=4, le=1_000, description="nesting of {} () [] and runs of ! - + ^"
    )
    max_operators: int = Field(
        default=2_000, ge=10, le=100_000, description="|| && | / operators in a query"
    )
    worker_memory_mb: int = Field(
        default=2_048, ge=0, description="address-space cap of a query worker (0: none)"
    )
    cache_entries: int = Field(
        default=256, ge=0, le=100_000, description="results kept in the LRU cache"
    )
    cache_bytes: int = Field(default=64_000_000, ge=0, description="total size of cached results")
    retry_after: int = Field(default=5, ge=1, le=3600, description="Retry-After seconds on 503")
    page_size: int = Field(
        default=100, ge=1, le=100_000, description="default `limit` of named queries"
    )

    keep_alive: int = Field(
        default=5, ge=1, le=600, description="seconds an idle connection is kept"
    )
    limit_concurrency: int = Field(
        default=100, ge=1, le=100_000, description="open connections before 503"
    )
    max_header_bytes: int = Field(
        default=16_384, ge=1_024, le=1_000_000, description="h11 incomplete-event cap"
    )
    body_timeout: float = Field(
        default=10.0, gt=0, le=600, description="seconds to receive a request body"
    )

    def pool_limits(self) -> PoolLimits:
        """The bounds of the query service."""
        from kg.query.service import PoolLimits

        return PoolLimits(**{f.name: getattr(self, f.name) for f in fields(PoolLimits)})

    def query_limits(self) -> QueryLimits:
        """What the guards refuse before a query reaches an engine."""
        from kg.query.guards import QueryLimits

        return QueryLimits(self.max_query_bytes, self.max_depth, self.max_operators)
