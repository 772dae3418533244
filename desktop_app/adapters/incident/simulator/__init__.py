"""Embedded simulator of the Incident system: ``start_simulator(seed=..., rate=..., faults=...)``."""

from desktop_app.adapters.incident.simulator.faults import FaultSpec, FaultSpecError, parse_faults
from desktop_app.adapters.incident.simulator.server import (
    OutboundRecord,
    SimulatorHandle,
    SimulatorStore,
    start_simulator,
)

__all__ = [
    "FaultSpec",
    "FaultSpecError",
    "OutboundRecord",
    "SimulatorHandle",
    "SimulatorStore",
    "parse_faults",
    "start_simulator",
]
