"""The supervisor's dashboard against an independent computation on a seeded history (issue 19).

The history is driven through the real services; the expected figures come from
``tests/services/report_history.py``: plain Python over the ORM rows and the minute-walker of
``tests/worktime/reference_impl.py``, following the definitions of docs/REPORTS.md.
Runs on SQLite and PostgreSQL (the repeat-author window and the epoch arithmetic differ).
"""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.domain.lifecycle import DraftKind
from desktop_app.services.bootstrap import AppServices
from desktop_app.services.dashboard import Dashboard, ReportPeriod, address_key
from desktop_app.services.errors import InputError, PermissionDeniedError
from tests.services.report_history import ALL_CHECKS, confirm_outbox, expected_figures, seed_history
from tests.support.factories import Clock, World, msk

PERIOD = ReportPeriod(dt.date(2026, 5, 11), dt.date(2026, 5, 17))
NOW = msk(2026, 5, 19, 12, 0)


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


@pytest.fixture
def seeded(services: AppServices, world: World, clock: Clock) -> tuple[Dashboard, dict, dict]:
    truth = seed_history(services, world, clock, seed=19)
    clock.set(NOW)
    board = services.reports.dashboard(world.supervisor, PERIOD, NOW)
    previous = PERIOD.previous()
    return (
        board,
        expected_figures(services, PERIOD.first, PERIOD.last, NOW, truth),
        expected_figures(services, previous.first, previous.last, NOW, truth),
    )


FIGURES = (
    "received",
    "answered",
    "in_time",
    "in_time_share",
    "late",
    "answer_avg",
    "answer_median",
    "rework_per_answer",
    "interim_share",
    "redirect_share",
    "repeat_author",
    "repeat_address",
)


def test_every_figure_agrees_with_the_independent_computation(seeded) -> None:
    board, expected, previous = seeded
    assert expected["received"] > 10 and expected["answered"] > 5  # the seed exercises every path
    assert expected["late"] > 0 and expected["repeat_author"] > 0 and expected["repeat_address"] > 0
    for key in FIGURES:
        figure = board.figure(key)
        assert _close(figure.value, expected[key]), (key, figure.value, expected[key])
        assert _close(figure.previous, previous[key]), (key, figure.previous, previous[key])
    assert board.figure("overdue_now").value == expected["overdue_now"]
    for stage, share in expected["stage_compliance"].items():
        assert _close(board.figure(f"stage_{stage}").value, share), stage


def test_groupings_agree_with_the_independent_computation(seeded, world: World) -> None:
    board, expected, _previous = seeded
    platforms = {row.key: row.values["received"] for row in board.groupings["platform"].rows}
    assert platforms == dict(expected["received_by_platform"])
    channels = {row.key: row.values["received"] for row in board.groupings["channel"].rows}
    assert channels == dict(expected["received_by_channel"])
    departments = {row.key: row.values["received"] for row in board.groupings["department"].rows}
    assert {k: v for k, v in departments.items() if v} == {
        (str(k) if k is not None else None): v for k, v in expected["received_by_department"].items()
    }
    stages = {row.key: row.values for row in board.groupings["stage"].rows}
    for stage, outcomes in expected["stage_outcomes"].items():
        assert stages[stage]["met"] == outcomes["met"]
        assert stages[stage]["late"] == outcomes["late"]
        assert stages[stage]["overdue"] == outcomes["overdue"]
    # R11: late stages attributed as the stage records say, per person and per department.
    late_by_person: dict[str, int] = {}
    for row in board.groupings["person"].rows:
        late_by_person[row.parts[0]] = late_by_person.get(row.parts[0], 0) + int(
            (row.values["late"] or 0) + (row.values["overdue"] or 0)
        )
    assert {k: v for k, v in late_by_person.items() if v} == dict(expected["person_late"])
    missed = {row.label: row.values["stages_missed"] for row in board.groupings["department"].rows}
    names = {str(world.roads.id): world.roads.name, str(world.housing.id): world.housing.name}
    assert {k: v for k, v in missed.items() if v} == {
        names.get(k, k): v for k, v in expected["department_missed"].items()
    }
    # The weekly trend adds up to the period's figures.
    assert sum(p.received for p in board.trend) == expected["received"]
    assert sum(p.late for p in board.trend) == expected["late"]


def test_every_figure_drills_down_to_exactly_the_messages_behind_it(seeded, services, world) -> None:
    board, expected, _previous = seeded
    ids = services.reports.board.drill_ids
    actor = world.supervisor
    assert ids(actor, board.figure("late").drill) == expected["late_ids"]
    assert ids(actor, board.figure("repeat_author").drill) == sorted(expected["repeat_author_ids"])
    assert ids(actor, board.figure("repeat_address").drill) == sorted(expected["repeat_address_ids"])
    for key in ("received", "answered", "in_time", "late", "repeat_author", "repeat_address"):
        figure = board.figure(key)
        assert len(ids(actor, figure.drill)) == figure.value, key
        assert len(ids(actor, figure.previous_drill)) == figure.previous, key
    # A department's late messages: the bar of the chart and the cell of the table.
    department = board.groupings["department"]
    late_column = next(c for c in department.columns if c.key == "late")
    for row in department.rows:
        drill = department.drill(board.base_drill, row, late_column)
        assert ids(actor, drill) == sorted(expected["late_ids_by_department"].get(str(row.key), set()))
        assert len(ids(actor, drill)) == row.values["late"]
    # Every cell of every grouping counts exactly the messages or stages its drill-down lists.
    for grouping in board.groupings.values():
        for row in grouping.rows:
            for column in grouping.columns:
                drill = grouping.drill(board.base_drill, row, column)
                if drill is None or column.unit != "count" or column.key == "stages_missed":
                    continue
                listed = ids(actor, drill)
                if grouping.key in ("stage", "person"):
                    assert len(listed) <= row.values[column.key]  # stages: one message may have two
                else:
                    assert len(listed) == row.values[column.key], (grouping.key, row.label, column.key)
    refs = services.reports.drill_down(actor, board.figure("late").drill)
    assert [r.id for r in refs] and all(r.state and r.platform for r in refs)


def test_answer_time_is_counted_in_working_hours(services: AppServices, world: World, clock: Clock) -> None:
    """Known answer: arrives Friday 17:30, answered Monday 10:00 → 0.5 h + 1 h = 1.5 working hours (R3)."""
    clock.set(msk(2026, 5, 15, 17, 30))
    message_id = world.arrive()
    clock.set(msk(2026, 5, 18, 9, 20))
    services.workflow.route_message(world.operator, message_id, world.version(message_id), world.roads.id)
    clock.set(msk(2026, 5, 18, 9, 50))
    services.workflow.submit_draft(
        world.roads_executor,
        message_id,
        world.version(message_id),
        DraftKind.ANSWER,
        "Здравствуйте! Отремонтируем.",
    )
    clock.set(msk(2026, 5, 18, 10, 0))
    services.workflow.approve_and_publish(world.operator, message_id, world.version(message_id), ALL_CHECKS)
    confirm_outbox(services, message_id)
    board = services.reports.dashboard(
        world.supervisor, ReportPeriod(dt.date(2026, 5, 15), dt.date(2026, 5, 15)), clock()
    )
    assert board.figure("answer_avg").value == pytest.approx(1.5)
    assert board.figure("answer_median").value == pytest.approx(1.5)
    assert board.figure("in_time").value == 1
    assert board.figure("in_time_share").value == 1.0
    assert board.previous_period == ReportPeriod(dt.date(2026, 5, 14), dt.date(2026, 5, 14))


def test_only_the_supervisor_reads_reports(services: AppServices, world: World) -> None:
    with pytest.raises(PermissionDeniedError):
        services.reports.dashboard(world.operator, PERIOD, NOW)


def test_a_period_that_ends_before_it_starts_is_refused_in_russian() -> None:
    with pytest.raises(InputError, match="раньше его начала"):
        ReportPeriod(dt.date(2026, 5, 12), dt.date(2026, 5, 11))


def test_address_key_matches_the_spellings_people_use() -> None:
    assert address_key("яма на улице Мира, 5") == address_key("ул. Мира д. 5") == "ул мира 5"
    assert address_key("проблема на ул. Ленина") == "ул ленина"
    assert address_key("во дворе") is None
