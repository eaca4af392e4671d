"""Pure processing: raw page -> Article | Rejected. No I/O in this package."""

from processors.extract import process_page
from processors.types import Article, PageHints, RawPage, Rejected

__all__ = ["Article", "PageHints", "RawPage", "Rejected", "process_page"]
