"""SQLAlchemy models and the database session factory. No Qt here."""

from desktop_app.models import entities
from desktop_app.models.base import Base

__all__ = ["Base", "entities"]
