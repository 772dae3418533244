"""Отклик: a workstation for answering citizens' posts through the Incident system."""

__version__ = "0.1.0"
APP_NAME = "otklik"
