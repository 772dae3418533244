"""The supervisor's reports: the dashboard (figures, charts, drill-down), its charts and its PDF."""

from desktop_app.views.reports.dashboard import DrillDialog, ReportsDialog

__all__ = ["DrillDialog", "ReportsDialog"]
