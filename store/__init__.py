"""The article store: the only package that knows SQL (SQLAlchemy 2 + Alembic)."""

from store.db import create_engine_from_url, make_session_factory, migrate, session_scope

__all__ = ["create_engine_from_url", "make_session_factory", "migrate", "session_scope"]
