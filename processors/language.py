"""Language identification: ISO 639-1 from the text, the page's declaration as a hint.

The statistical identifier (py3langid) knows ~100 languages but confuses Ukrainian and Russian on
short texts (a headline often comes out as Bulgarian, Macedonian or Kazakh) and takes a wrong page
declaration at its word on near ties. Cyrillic text is therefore first read for the evidence that
separates the two: letters only one of them uses, the Ukrainian apostrophe, function words and
suffixes only one of them has. The identifier decides only when that evidence is absent or split,
and where another Cyrillic language's own letters show (Belarusian, Serbian, Macedonian, Kazakh...).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
# Letters of other Cyrillic alphabets (be ў; sr/mk ђ ћ џ ј љ њ ѓ ќ ѕ; bg ѝ; kk/ky/tt/ba/mn...):
# where they show, uk/ru evidence is not enough and the identifier decides.
_OTHER_CYRILLIC = re.compile(r"[ўЎђЂћЋџЏјЈљЉњЊѓЃќЌѕЅѝЍәӘғҒқҚңҢөӨұҰүҮһҺҗҖҙҘӊӈӑӓӗӝӟӧӱӳӵӹ]")
# Spam and scraped boilerplate hide Latin text behind look-alike Cyrillic letters ("соntеnt"):
# words mixing both scripts are read with the Latin letters they imitate.
_MIXED_WORD = re.compile(r"\b(?=\w*[a-zA-Z])(?=\w*[\u0400-\u04FF])\w+")
_HOMOGLYPHS = str.maketrans("аеорсухіјѕԁАВЕКМНОРСТХІЈЅ", "aeopcyxijsdABEKMHOPCTXIJS")
_WORD = re.compile(r"[а-яёіїєґ]+(?:['’ʼ][а-яёіїєґ]+)*")

# Letters only one of the two uses. ъ is Russian only before е ё ю я (подъезд); Bulgarian uses it
# everywhere, so a lone ъ is no evidence.
_UK_LETTER = re.compile(r"[іїєґ]")
_RU_LETTER = re.compile(r"[ыэё]|ъ(?=[еёюя])")
# The Ukrainian apostrophe after a labial or р before я ю є ї (п'ять, об'єкт, зв'язок).
_UK_APOSTROPHE = re.compile(r"[бпвмфр]['’ʼ][яюєї]")
# Suffixes one language has and the other spells differently: -ськ-/-цьк- and -ння (uk)
# against -ск(ий|ая...)/-цк- and -ние/-ния (ru); -ии (ru, uk writes -ії).
_UK_SUFFIX = re.compile(r"(?:сь|ць)к(?:ий|а|е|і|ого|ому|ої|ій|их|им|ими|у)\b|ння\b|нню\b|нням\b|ннях\b")
_RU_SUFFIX = re.compile(
    r"(?<!ь)(?:с|ц)к(?:ий|ая|ое|ие|ого|ому|ой|ую|их|им|ими|ом)\b|ни(?:е|я|ю|ем|ями|ях)\b|ии\b|иях?\b"
)
# Bulgarian: ъ inside words, the definite article (правителството, седмицата, градът).
_BG = re.compile(r"ъ|(?:ството|ата|ята|ът|ят)\b")
# Frequent words one of the two never writes (shared ones such as не, на, до, по, за are left out;
# words Bulgarian shares with Russian count for little: see detect_language).
_UK_WORDS = frozenset(
    [
        "що",
        "це",
        "як",
        "від",
        "та",
        "й",
        "і",
        "з",
        "із",
        "зі",
        "але",
        "або",
        "який",
        "яка",
        "яке",
        "які",
        "якої",
        "якого",
        "яких",
        "якій",
        "якщо",
        "його",
        "її",
        "їх",
        "їхній",
        "він",
        "вона",
        "вони",
        "ми",
        "ви",
        "ще",
        "вже",
        "також",
        "щоб",
        "після",
        "буде",
        "будуть",
        "було",
        "був",
        "була",
        "були",
        "має",
        "мають",
        "можуть",
        "року",
        "році",
        "рік",
        "роки",
        "цього",
        "цієї",
        "цей",
        "ця",
        "ці",
        "цих",
        "тому",
        "коли",
        "лише",
        "тільки",
        "чи",
        "де",
        "під",
        "між",
        "сьогодні",
        "зараз",
        "усі",
        "всі",
        "тих",
        "нього",
        "неї",
        "ними",
        "своїх",
        "свої",
        "свого",
    ]
)
_RU_WORDS = frozenset(
    [
        "что",
        "это",
        "как",
        "от",
        "и",
        "из",
        "с",
        "со",
        "но",
        "или",
        "который",
        "которая",
        "которое",
        "которые",
        "которых",
        "которой",
        "его",
        "ее",
        "её",
        "он",
        "она",
        "они",
        "мы",
        "вы",
        "еще",
        "ещё",
        "также",
        "чтобы",
        "после",
        "будет",
        "будут",
        "было",
        "был",
        "была",
        "были",
        "может",
        "могут",
        "года",
        "году",
        "год",
        "лет",
        "этого",
        "этой",
        "этот",
        "эта",
        "эти",
        "этих",
        "том",
        "когда",
        "лишь",
        "только",
        "ли",
        "где",
        "сейчас",
        "сегодня",
        "если",
        "нет",
        "их",
        "ним",
        "них",
        "ему",
        "всех",
        "своих",
        "свои",
        "свою",
        "своего",
        "между",
        "при",
    ]
)
# Of these, the ones Bulgarian writes too (so they do not tell Russian from Bulgarian).
_RU_WORDS_ALSO_BG = frozenset(["как", "от", "и", "из", "с", "със", "но", "или", "за", "при", "между", "сега", "где"])


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


def uk_ru_evidence(text: str) -> tuple[float, float, bool]:
    """(Ukrainian evidence, Russian evidence, whether Russian evidence includes ы э ё or ъ):
    counts of letters, apostrophes, words and suffixes found in only one of the two languages."""
    low = text.lower()
    uk = len(_UK_LETTER.findall(low)) + len(_UK_APOSTROPHE.findall(low)) + len(_UK_SUFFIX.findall(low))
    ru_letters = len(_RU_LETTER.findall(low))
    # ы э ё make ~2.5% of Russian letters, і ї є ~7% of Ukrainian ones: weighted to match, so a
    # quote in the other language does not outweigh the text around it.
    ru = 2.5 * ru_letters + len(_RU_SUFFIX.findall(low))
    for word in _WORD.findall(low):
        if word in _UK_WORDS:
            uk += 1
        elif word in _RU_WORDS:
            ru += 0.5 if word in _RU_WORDS_ALSO_BG else 1
    return float(uk), float(ru), ru_letters > 0


# The most frequent function words of widely published languages. When the page declares one of
# them and a text of 60 words or more carries that list's words densely (15% of its words or
# more) and at least twice as densely as any other list's (the Romance lists share de, la, que,
# en...), the declaration is confirmed without the statistical identifier (whose cost grows with
# the text). Both signals are required: function words alone could take a close language that
# has no list (Afrikaans, Galician, Catalan) for a listed one. On every corpus text, the lists
# alone already agree with the identifier wherever they decide. Any doubt goes to the identifier.
_FUNCTION_WORD_LISTS = {
    "en": "the of and to in is that for on was with as it by at from be has are have",
    "de": "der die und den das von zu mit sich des auf für ist im dem nicht ein eine als",
    "fr": "le la les de des et un une du que est dans pour qui sur au pas par avec se",
    "es": "el la de que y los en las del se por un una con para al es su lo como",
    "it": "il di che la è e per un una del della le non in con si sono da al gli",
    "pl": "w i na się z do że nie to jest o przez od po jak za co dla oraz był",
    "nl": "de het een van en in is dat op te met voor zijn niet aan er ook als bij",
    "pt": "o a de que e do da em um uma para com os no na não se por as dos",
}
_FUNCTION_WORDS = {code: frozenset(words.split()) for code, words in _FUNCTION_WORD_LISTS.items()}
_LATIN_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _by_function_words(sample: str) -> str | None:
    """The listed language ``sample`` is plainly written in, by its function words, or None."""
    tokens = _LATIN_WORD.findall(sample.lower())
    if len(tokens) < 60:
        return None
    hits = sorted(
        ((sum(1 for t in tokens if t in words), code) for code, words in _FUNCTION_WORDS.items()), reverse=True
    )
    (best, lang), (second, _) = hits[0], hits[1]
    return lang if best >= 0.15 * len(tokens) and best >= 2 * second else None


def detect_language(text: str, declared: str | None = None) -> str | None:
    """The language of ``text``; ``declared`` (page or feed metadata) breaks near ties."""
    sample = text[:1500]  # ample for the identifier; its cost grows with the length
    hint = normalise_declared(declared)
    if len(_MIXED_WORD.findall(sample)) * 5 > len(sample.split()):
        sample = sample.translate(_HOMOGLYPHS)
    letters = len(_LETTER.findall(sample))
    cyrillic = letters > 0 and len(_CYRILLIC.findall(sample)) > letters * 0.5
    ranked: list[tuple[str, float]] | None = None
    if cyrillic and not _OTHER_CYRILLIC.search(sample):
        uk, ru, ru_letters = uk_ru_evidence(sample)
        if uk >= 1 and uk >= 2 * ru:
            return "uk"
        if ru >= 1 and ru >= 2 * uk:
            if ru_letters or letters < 20:
                return "ru"
            # Without ы э ё the words and suffixes are also Bulgarian (and Macedonian) ones.
            ranked = _identifier().rank(sample)
            if ranked[0][0] not in ("bg", "mk") or ranked[0][1] < 0.9:
                return "ru"
            return str(ranked[0][0])
        if letters < 20 and hint is None and letters >= 4:
            # A caption or a menu word with no evidence: the identifier between the two.
            prob = dict(_identifier().rank(sample))
            return "uk" if prob.get("uk", 0.0) > prob.get("ru", 0.0) else "ru"
        if letters >= 20:
            ranked = ranked or _identifier().rank(sample)
            top = str(ranked[0][0])
            if top in ("uk", "ru", "bg", "mk", "be", "kk", "sr"):
                prob = dict(ranked)
                p_uk, p_ru = prob.get("uk", 0.0), prob.get("ru", 0.0)
                if hint in ("uk", "ru") and (uk or ru):
                    other = p_ru if hint == "uk" else p_uk
                    if prob.get(hint, 0.0) * 2 >= other or (uk >= ru if hint == "uk" else ru >= uk):
                        return hint
                # Serbian and Macedonian text shows its own letters, Bulgarian its ъ: without them,
                # a short text the identifier gives to one of those is Ukrainian or Russian.
                if top in ("uk", "ru") or uk or ru or (top in ("bg", "mk", "sr") and not _BG.search(sample.lower())):
                    return "uk" if p_uk >= p_ru else "ru"
                return top
    if letters < 20:
        return hint
    if hint and not cyrillic and _by_function_words(sample) == hint:
        return hint
    ranked = ranked or _identifier().rank(sample)
    best_lang, best_p = ranked[0]
    if hint and hint != best_lang:
        for lang, p in ranked[:5]:
            if lang == hint and p >= best_p * 0.5:
                return hint
    return str(best_lang)
