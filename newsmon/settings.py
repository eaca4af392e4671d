"""Runtime settings read from the environment (never at import time of a DAG file).

Every value has a safe default for a developer's machine; production overrides them
through the environment (see ``.env.example`` and ``docker-compose.yml``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

_TRUE = {"1", "true", "yes", "on"}


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in _TRUE


@dataclass(frozen=True)
class Settings:
    """Process-wide settings. Build with :func:`get_settings`."""

    data_dir: Path
    database_url: str
    config_dir: Path
    source_groups: tuple[str, ...]
    allow_private_addresses: bool
    contact_url: str
    user_agent: str
    fetch_timeout: float
    max_download_bytes: int
    host_delay: float
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def sources_file(self) -> Path:
        return Path(os.environ.get("NEWSMON_SOURCES_FILE", self.config_dir / "sources.yaml"))

    @property
    def topic_file(self) -> Path:
        return Path(os.environ.get("NEWSMON_TOPIC_FILE", self.config_dir / "topic.yaml"))


def get_settings() -> Settings:
    """Read the settings from the environment, now (cheap; call it inside tasks)."""
    data_dir = Path(os.environ.get("NEWSMON_DATA_DIR", REPO_ROOT / "data")).resolve()
    database_url = os.environ.get("NEWSMON_DATABASE_URL") or f"sqlite:///{data_dir / 'newsmon.db'}"
    contact = os.environ.get("NEWSMON_CONTACT_URL", "https://github.com/newsmon/newsmon")
    groups = tuple(g.strip() for g in os.environ.get("NEWSMON_SOURCE_GROUPS", "live").split(",") if g.strip())
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        config_dir=Path(os.environ.get("NEWSMON_CONFIG_DIR", REPO_ROOT / "config")),
        source_groups=groups,
        allow_private_addresses=_flag("NEWSMON_ALLOW_PRIVATE_ADDRESSES"),
        contact_url=contact,
        user_agent=os.environ.get("NEWSMON_USER_AGENT", f"newsmon/0.1 (+{contact}; news monitoring research crawler)"),
        fetch_timeout=float(os.environ.get("NEWSMON_FETCH_TIMEOUT", "20")),
        max_download_bytes=int(os.environ.get("NEWSMON_MAX_DOWNLOAD_BYTES", str(8 * 1024 * 1024))),
        host_delay=float(os.environ.get("NEWSMON_HOST_DELAY", "2.0")),
    )
