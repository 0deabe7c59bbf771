"""Prometheus metrics of one process."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "okr_graphql_requests", "GraphQL requests by operation and outcome",
            ["operation", "outcome"], registry=self.registry)
        self.duration = Histogram(
            "okr_graphql_request_seconds", "GraphQL request duration by operation",
            ["operation"], registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5))
        self.errors = Counter(
            "okr_graphql_errors", "GraphQL errors by code", ["code"], registry=self.registry)
        self.event_store_writes = Counter(
            "okr_event_store_writes", "Commands that wrote to the event store",
            registry=self.registry)
        self.projection_lag = Gauge(
            "okr_projection_lag_events",
            "Events of the log a read model has not applied yet: the log's last position "
            "minus the read model's, read at each scrape and /readyz (0: caught up)",
            ["projection"], registry=self.registry)
