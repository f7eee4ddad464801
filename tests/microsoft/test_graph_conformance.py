"""The shared connector conformance suite, run against the fake tenant over TLS."""

from __future__ import annotations

from dealnudge.connectors import microsoft, registry
from dealnudge.connectors.base import Connector, Sender

from tests.conformance import ConnectorConformance
from tests.microsoft.world import FakeMicrosoft, GraphWorld


class TestGraphConformance(ConnectorConformance):
    pass


def test_registry_builds_protocol_objects(world: GraphWorld, fake: FakeMicrosoft) -> None:
    conn = registry.create(world.config.reps[0], world.config, world.context())
    assert isinstance(conn, Connector) and conn.kind == "microsoft"
    config = fake.config([world.rep_email], sender="nudges@northwind.example")
    assert isinstance(registry.create_sender("graph", config, world.context()), Sender)
    assert microsoft.kind == "microsoft"
