"""Boilerplate lines that survive main-text extraction: "read also" teasers, newsletter and
follow-us calls, photo credits, advertising labels, share widgets, metadata labels and wire
sign-offs (``aja/PAP``), in the languages of the outlets we follow.

Only whole, short lines are dropped, and only on a pattern that names what they are: an
article paragraph that merely mentions a newsletter is longer than any of these and stays.
"""

from __future__ import annotations

import re

_MAX_LINE = 300

# "Read also: <headline>" — a teaser for another article; needs its colon (or »), so a sentence
# that starts with "Lea" or "Mira" is not taken for one.
_TEASER = re.compile(
    r"^\W{0,3}(read (more|also|next)|see also|also read|more on this( story)?|related( stories| articles)?"
    r"|watch|lea (también|más)|lea|lee también|mire|mira|vea también|ver también|le puede interesar"
    r"|te puede interesar|puedes ver|también te puede interesar|à lire aussi|lire aussi|à lire|voir aussi"
    r"|lesen sie auch|lesen sie mehr|auch interessant|mehr zum thema|weiterlesen|zum weiterlesen|siehe auch"
    r"|czytaj (też|także|również|więcej)|zobacz (też|także|również)|читайте (також|також:|также)"
    r"|дивіться також|смотрите также|читати також|leggi anche|leia também|veja também)\s*[:»>|–—]",
    re.IGNORECASE,
)
# A line that is only a section label of a related-content box.
_LABEL = re.compile(
    r"^\W{0,3}(contenido relacionado|notas relacionadas|noticias relacionadas|related( stories| articles| content)?"
    r"|more stories|schon gelesen\??|zum weiterlesen:?|mehr zum thema.{0,40}|temas|etiquetas|tags"
    r"|à lire aussi|lire aussi|sur le même sujet|czytaj także|zobacz także|читайте також|читайте также"
    r"|по теме|на тему|beiträge aus dem forum|vorschau auf den nächsten artikel|wird geladen\W*|loading\W*"
    r"|bild anzeigen|advertisement|anzeige|werbung|publicidad|publicité|реклама|reklama)\W{0,3}$",
    re.IGNORECASE,
)
_CALL_TO_ACTION = re.compile(
    r"(sign up (for|to|here)|subscribe (now|to|for|here)|zum newsletter|newsletter (anmelden|abonnieren)"
    r"|follow (us|the \w+) on|folgen sie uns|síguenos en|únete (desde|a)|suscríbete|abonnez-vous"
    r"|inscrivez-vous|download the .{0,40}app|canal de (telegram|youtube|whatsapp)|hazte miembro"
    r"|support (our|us|independent)|unterstütze|wesprzyj nas|підтримайте нас|поддержите нас"
    r"|send us a message on whatsapp|if you enjoyed reading this)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"^\W{0,2}(©|\(c\)\s|foto\s*:|fot\.|photo\s*:|photos\s*:|bild\s*:|beitragsbild\s*:|credit\s*:|image\s*:"
    r"|picture\s*:|фото\s*:|zdjęcie\s*:|source\s*:\s*(getty|reuters|afp|ap|dpa|imago))",
    re.IGNORECASE,
)
_AD = re.compile(r"^\W{0,2}(anzeige|werbung|advertisement|publicidad|publicité|реклама|reklama)\b\s*[-:–]", re.I)
_SHARE = re.compile(
    r"^\W{0,2}(teilen mit|share( this( article| story)?)?|partager|compartir|udostępnij|поділитися|поделиться)"
    r"\s*[:\W]*$",
    re.IGNORECASE,
)
_META_LABEL = re.compile(
    r"^\W{0,2}(category|categories|kategorie|categoría|catégorie|schlagwörter|release date|last modified"
    r"|aktualisiert am|news date)\s*:.{0,80}$",
    re.IGNORECASE,
)
# "aja/PAP", "(dpa)", "ol/AFP/Reuters": initials and agencies closing a wire story.
_SIGN_OFF = re.compile(r"^\(?[\w.]{1,12}(?:\s*/\s*[\w.\-]{1,24}){0,3}\)?$")


def strip_boilerplate(text: str, agency_of: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """The text without boilerplate lines, and the wire agencies named by sign-off lines."""
    kept: list[str] = []
    agencies: list[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and len(stripped) <= _MAX_LINE and _is_boilerplate(stripped):
            continue
        if stripped and agency_of and _SIGN_OFF.match(stripped) and len(stripped) <= 40:
            parts = [p.strip(" ().").lower() for p in stripped.split("/")]
            found = [agency_of[p] for p in parts if p in agency_of]
            if found:
                agencies.extend(a for a in found if a not in agencies)
                continue
        kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    return "\n".join(kept).strip(), agencies


def _is_boilerplate(line: str) -> bool:
    if _LABEL.match(line) or _SHARE.match(line) or _META_LABEL.match(line):
        return True
    if len(line) <= 200 and (_TEASER.match(line) or _AD.match(line) or _CREDIT.match(line)):
        return True
    return len(line) <= 250 and _CALL_TO_ACTION.search(line) is not None
