"""The fault-spec grammar of the simulator."""

from __future__ import annotations

import pytest

from desktop_app.adapters.incident.simulator import FaultSpec, FaultSpecError, parse_faults
from desktop_app.cli import main


def test_full_spec_parses() -> None:
    spec = parse_faults("latency=200ms, error5xx=0.2,timeout=0.1,drop_after_accept=0.1,hang=1.5s")
    assert spec == FaultSpec(latency=0.2, error5xx=0.2, timeout=0.1, drop_after_accept=0.1, hang=1.5)
    assert spec.any


@pytest.mark.parametrize("text", ["", "none", "  "])
def test_empty_spec_means_no_faults(text: str) -> None:
    assert parse_faults(text) == FaultSpec()
    assert not parse_faults(text).any


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("latency=200", "длительность"),
        ("latency=2x", "длительность"),
        ("error5xx=1.5", "вероятность"),
        ("error5xx=abc", "вероятность"),
        ("boom=0.1", "Неизвестный вид сбоя"),
        ("timeout", "ИМЯ=ЗНАЧЕНИЕ"),
        ("timeout=0.1,timeout=0.2", "дважды"),
    ],
)
def test_bad_spec_is_refused_in_russian(text: str, fragment: str) -> None:
    with pytest.raises(FaultSpecError, match=fragment):
        parse_faults(text)


def test_cli_refuses_bad_spec_with_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulator", "--faults", "error5xx=2"]) == 2
    assert "вероятность" in capsys.readouterr().err


def test_cli_refuses_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulator", "--host", "0.0.0.0"]) == 2
    assert "loopback" in capsys.readouterr().err
