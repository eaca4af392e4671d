"""Language identification: ISO 639-1 from the text, the page's declaration as a hint."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Letters only one of the two languages uses: a strong, cheap signal on short texts.
_UK_ONLY = re.compile(r"[іїєґІЇЄҐ]")
_RU_ONLY = re.compile(r"[ыэёъЫЭЁЪ]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalise_declared(value: str | None) -> str | None:
    """``"uk-UA"`` -> ``"uk"``; ``"ua"`` (a country, often misused) -> ``"uk"``; junk -> None."""
    if not value:
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    code = {"ua": "uk", "iw": "he", "in": "id", "jw": "jv"}.get(code, code)
    return code if re.fullmatch(r"[a-z]{2}", code) else None


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The language of ``text``; ``declared`` (page or feed metadata) breaks near ties."""
    sample = text[:3000]
    hint = normalise_declared(declared)
    letters = len(_LETTER.findall(sample))
    if letters < 20:
        return hint
    cyr = len(_CYRILLIC.findall(sample))
    if cyr > letters * 0.5:
        uk, ru = len(_UK_ONLY.findall(sample)), len(_RU_ONLY.findall(sample))
        if uk > ru * 2 and uk >= 2:
            return "uk"
        if ru > uk * 2 and ru >= 2:
            return "ru"
    ranked = _identifier().rank(sample)
    best_lang, best_p = ranked[0]
    if hint and hint != best_lang:
        for lang, prob in ranked[:5]:
            if lang == hint and prob >= best_p * 0.5:
                return hint
    return str(best_lang)
