"""Working time: the administration's calendar, deadlines in working minutes/hours/days (R3–R9).

Pure Python (no Qt, no database). Lifecycle services use :class:`WorkCalendar` and
:func:`stage_deadline`; the database layer persists :class:`CalendarSpec` / :class:`YearData`
via ``to_data()`` / ``from_data()``; see ``docs/WORKTIME.md``.
"""

from desktop_app.domain.worktime.data import builtin_spec, load_builtin_years
from desktop_app.domain.worktime.deadlines import (
    DEFAULT_BUDGETS,
    DeadlinePolicy,
    DeadlineStatus,
    OverallClock,
    Stage,
    StageDeadline,
    stage_deadline,
    stage_status,
)
from desktop_app.domain.worktime.duration import DurationUnit, WorkDuration, parse_duration
from desktop_app.domain.worktime.engine import WorkCalendar
from desktop_app.domain.worktime.errors import (
    CalendarDataError,
    CalendarImportError,
    CalendarYearMissingError,
    DurationParseError,
    NaiveDatetimeError,
    WorktimeError,
)
from desktop_app.domain.worktime.importers import (
    parse_datagov_csv,
    parse_datagov_csv_year,
    parse_xmlcalendar_json,
    parse_xmlcalendar_xml,
)
from desktop_app.domain.worktime.model import (
    CalendarSpec,
    CustomDay,
    DayKind,
    DayPlan,
    Interval,
    WeeklySchedule,
    YearData,
    provisional_year,
)

__all__ = [
    "DEFAULT_BUDGETS",
    "CalendarDataError",
    "CalendarImportError",
    "CalendarSpec",
    "CalendarYearMissingError",
    "CustomDay",
    "DayKind",
    "DayPlan",
    "DeadlinePolicy",
    "DeadlineStatus",
    "DurationParseError",
    "DurationUnit",
    "Interval",
    "NaiveDatetimeError",
    "OverallClock",
    "Stage",
    "StageDeadline",
    "WeeklySchedule",
    "WorkCalendar",
    "WorkDuration",
    "WorktimeError",
    "YearData",
    "builtin_spec",
    "load_builtin_years",
    "parse_datagov_csv",
    "parse_datagov_csv_year",
    "parse_duration",
    "parse_xmlcalendar_json",
    "parse_xmlcalendar_xml",
    "provisional_year",
    "stage_deadline",
    "stage_status",
]
