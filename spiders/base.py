"""Shared spider base: one spider run serves one configured source."""

from __future__ import annotations

from typing import Any

import scrapy

from newsmon.config import SourceConfig, load_sources
from newsmon.settings import get_settings


class SourceSpider(scrapy.Spider):
    """Takes ``-a source=<id>``. The source's politeness (delay, concurrency, robots) reaches
    Scrapy as ``-s`` settings on the command line (see ``newsmon.pipeline.scrapy_command``)."""

    source: SourceConfig

    def __init__(self, source: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"{self.name}: pass the source id with -a source=<id>")
        settings = get_settings()
        self.source = load_sources(settings.sources_file, settings.topic_file).get(source)
