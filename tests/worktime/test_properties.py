"""Property tests: the integer engine against the minute-by-minute reference in reference_impl.py."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.domain.worktime import WorkCalendar, WorkDuration
from tests.worktime.conftest import MSK
from tests.worktime.reference_impl import MinuteReference

FIRST = dt.datetime(2025, 1, 1)
LAST = dt.datetime(2027, 12, 15)  # leaves room for the due instant inside 2027
SPAN_MINUTES = int((LAST - FIRST).total_seconds() // 60)

starts = st.integers(min_value=0, max_value=SPAN_MINUTES).map(lambda m: FIRST + dt.timedelta(minutes=m))
# Bias towards the interesting places: boundaries of the working day and holidays.
boundary_starts = st.builds(
    lambda day, hhmm: dt.datetime.combine(day, hhmm),
    st.sampled_from(
        [
            dt.date(2025, 12, 30),
            dt.date(2025, 12, 31),
            dt.date(2026, 4, 30),
            dt.date(2026, 5, 8),
            dt.date(2025, 10, 31),
            dt.date(2025, 11, 1),
            dt.date(2027, 2, 19),
            dt.date(2027, 2, 20),
            dt.date(2026, 12, 30),
            dt.date(2026, 6, 11),
        ]
    ),
    st.sampled_from([dt.time(h, m) for h in (8, 9, 12, 13, 14, 16, 17, 18) for m in (0, 1, 30, 59)]),
)
any_start = st.one_of(starts, boundary_starts)
PROPERTY_SETTINGS = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def ref(reference: dict) -> MinuteReference:
    return MinuteReference(reference)


@PROPERTY_SETTINGS
@given(start=any_start, minutes=st.integers(min_value=1, max_value=1500))
def test_add_minutes_matches_reference(
    calendar: WorkCalendar, ref: MinuteReference, start: dt.datetime, minutes: int
) -> None:
    expected = ref.add_minutes(start, minutes)
    assert calendar.add(start.replace(tzinfo=MSK), WorkDuration.minutes(minutes)) == expected.replace(
        tzinfo=MSK
    )


@PROPERTY_SETTINGS
@given(start=any_start, days=st.integers(min_value=1, max_value=30))
def test_add_days_matches_reference(
    calendar: WorkCalendar, ref: MinuteReference, start: dt.datetime, days: int
) -> None:
    start = min(start, dt.datetime(2027, 11, 1))  # 30 working days from here stay inside 2027
    expected = ref.add_days(start, days)
    assert calendar.add(start.replace(tzinfo=MSK), WorkDuration.days(days)) == expected.replace(tzinfo=MSK)


@PROPERTY_SETTINGS
@given(a=any_start, span=st.integers(min_value=0, max_value=6 * 1440))
def test_between_matches_reference(
    calendar: WorkCalendar, ref: MinuteReference, a: dt.datetime, span: int
) -> None:
    b = a + dt.timedelta(minutes=span)
    expected = ref.between(a, b)
    assert calendar.between(a.replace(tzinfo=MSK), b.replace(tzinfo=MSK)) == expected
    assert calendar.between(b.replace(tzinfo=MSK), a.replace(tzinfo=MSK)) == -expected


@settings(max_examples=300, deadline=None)
@given(
    start=st.integers(min_value=0, max_value=SPAN_MINUTES * 60),
    x=st.integers(min_value=1, max_value=50_000),
    y=st.integers(min_value=1, max_value=50_000),
)
def test_add_is_additive_and_between_inverts_it(calendar: WorkCalendar, start: int, x: int, y: int) -> None:
    """Second-level algebra on the integer core: add(add(t, x), y) == add(t, x + y)."""
    t = calendar.to_epoch(FIRST.replace(tzinfo=MSK)) + start
    once = calendar.add_seconds_epoch(t, x)
    assert calendar.add_seconds_epoch(once, y) == calendar.add_seconds_epoch(t, x + y)
    assert calendar.between_seconds_epoch(t, once) == x
    assert calendar.add_seconds_epoch(t + 1, x) >= once  # monotone in the start
    clock = calendar.next_working_epoch(t)
    assert clock >= t and calendar.between_seconds_epoch(t, clock) == 0
