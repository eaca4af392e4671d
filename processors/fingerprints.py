"""Content fingerprints used for exact-duplicate detection."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Case-, accent-form-, punctuation- and whitespace-insensitive form of a text."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NON_WORD.sub(" ", text).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def content_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
