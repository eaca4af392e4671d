"""Relevance: the scoring model, the measured dev set, `newsmon score` and `newsmon rescore`."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from newsmon.config import ConfigError, TopicProfile, load_topic
from newsmon.relevance_eval import DEV_SET, FRESH_SET, Counts, evaluate, load_dev_set
from processors.fingerprints import text_hash
from processors.relevance import score_text
from store import repo
from store.db import create_engine_from_url, make_session_factory, session_scope
from store.models import Article, Link

ROOT = Path(__file__).resolve().parents[1]
TOPIC = ROOT / "config" / "topic.yaml"


@pytest.fixture(scope="module")
def profile() -> TopicProfile:
    return load_topic(TOPIC)


# -- the profile --------------------------------------------------------------------------------


def test_profile_covers_languages_and_subtopics(profile: TopicProfile) -> None:
    languages = {lang for g in profile.groups if not g.negative for lang in g.terms}
    assert {"en", "fr", "de", "uk", "ru", "pl"} <= languages
    tags = {g.tag for g in profile.groups if g.tag}
    assert {
        "reassurance-force",
        "air-policing",
        "naval-demining",
        "us-backstop",
        "nato-membership",
        "ceasefire-negotiations",
        "summits-declarations",
        "long-term-support",
    } <= tags
    assert profile.version >= 2


def test_a_wildcard_inside_a_hyphenated_word(profile: TopicProfile) -> None:
    # "Трамп*-Путін*" was matched as a literal asterisk (never) before profile 47
    rel = score_text(profile, "Саміт Трампа-Путіна в Будапешті скасовано, Україна чекає", None)
    assert rel.matches["summits"]["title"] == ["трампа-путіна"]
    spaced = score_text(profile, "Саммит Трампа - Путина по Украине отменен", None)
    assert spaced.matches["summits"]["title"] == ["трампа - путина"]


def test_ready_is_not_a_loan(profile: TopicProfile) -> None:
    # profile 46: French "prêt" is a loan (other news in a headline) and "ready"
    ready = score_text(profile, "Peskov : Poutine est prêt à discuter avec Zelensky", None, "Il est prêt à négocier.")
    loan = score_text(profile, "L'UE accorde un prêt de 90 milliards à l'Ukraine", None)
    assert "other_news" not in ready.matches
    assert loan.matches["other_news"]["title"] == ["un prêt"]


def test_the_war_of_aggression_is_not_a_strike_report(profile: TopicProfile) -> None:
    # profile 45: "Angriffskrieg" names the war itself; "Angriff auf Kiew" is a strike
    war = score_text(profile, "Pistorius zu Russlands Angriffskrieg gegen die Ukraine", None)
    strike = score_text(profile, "Russischer Angriff auf Kiew in der Nacht", None)
    assert "battlefield" not in war.matches
    assert strike.matches["battlefield"]["title"] == ["angriff"]


@pytest.mark.parametrize(
    ("title", "term"),
    [
        ("Саміт коаліції охочих у Парижі", "коаліції охочих"),
        ("Коаліція охочих зібралася в Парижі щодо України", "коаліція охочих"),
        ("Szczyt koalicji chętnych w Paryżu w sprawie Ukrainy", "koalicji chętnych"),
        ("Koalicja chętnych obiecuje wsparcie dla Ukrainy", "koalicja chętnych"),
        ("Koalition der Willigen berät in Paris über die Ukraine", "koalition der willigen"),
        ("La coalition des volontaires se réunit à Paris sur l'Ukraine", "coalition des volontaires"),
        ("Коалиция желающих обсудила Украину", "коалиция желающих"),
    ],
)
def test_coalition_inflections(profile: TopicProfile, title: str, term: str) -> None:
    rel = score_text(profile, title, None)
    assert term in rel.matches["coalition_of_the_willing"]["title"]
    assert rel.relevant


# -- six more languages (profile 105-106: nl, pt, ro, cs, sv, tr) ---------------------------------


@pytest.mark.parametrize(
    ("title", "description", "tag"),
    [
        ("Coalitie van bereidwilligen praat over veiligheidsgaranties voor Oekraïne", "", "coalition-of-the-willing"),
        ("Schoof: Nederlandse militairen mogelijk naar Oekraïne na een staakt-het-vuren", "", "reassurance-force"),
        ("Coligação dos voluntários reúne-se em Paris sobre a Ucrânia", "", "coalition-of-the-willing"),
        ("Cessar-fogo na Ucrânia: delegações reúnem-se em Genebra", "", "ceasefire-negotiations"),
        ("Coaliția de Voință adoptă garanțiile de securitate pentru Ucraina", "", "security-guarantees"),
        ("Negocierile de pace pentru Ucraina continuă la Geneva", "", "ceasefire-negotiations"),
        ("Koalice ochotných jedná v Paříži o bezpečnostních zárukách pro Ukrajinu", "", "security-guarantees"),
        ("Čeští vojáci by mohli být součástí mírových sil na Ukrajině", "", "reassurance-force"),
        ("Koalitionen av villiga möts i Paris om säkerhetsgarantier för Ukraina", "", "coalition-of-the-willing"),
        ("Fredssamtalen om Ukraina fortsätter i Genève", "", "ceasefire-negotiations"),
        ("Gönüllüler Koalisyonu Paris'te Ukrayna için güvenlik garantilerini görüştü", "", "security-guarantees"),
        ("İstanbul'daki Rusya-Ukrayna müzakerelerinde ateşkes masada", "", "ceasefire-negotiations"),
        ("Koalitionen af villige drøfter sikkerhedsgarantier til Ukraine", "", "coalition-of-the-willing"),
        ("Danske soldater kan sendes til Ukraine efter en våbenhvile", "", "reassurance-force"),
        ("Koalisjonen av villige møtes i Paris om Ukraina", "", "coalition-of-the-willing"),
        ("Fredsforhandlingene om Ukraina fortsetter i Genève", "", "ceasefire-negotiations"),
        ("Halukkaiden koalitio keskusteli Ukrainan turvatakuista Pariisissa", "", "security-guarantees"),
        ("Ukrainan rauhanneuvottelut jatkuvat Genevessä", "", "ceasefire-negotiations"),
        ("Koalícia ochotných rokovala o bezpečnostných zárukách pre Ukrajinu", "", "security-guarantees"),
        ("Mierové rokovania o Ukrajine pokračujú v Ženeve", "", "ceasefire-negotiations"),
        ("Rusland og Ukraine enige om ikke at angribe energi-infrastruktur", "", "ceasefire-negotiations"),
        ("Zelenskyj møter Trump i Washington om en fredsløsning for Ukraina", "", "summits-declarations"),
    ],
)
def test_the_newer_languages_name_the_story(profile: TopicProfile, title: str, description: str, tag: str) -> None:
    rel = score_text(profile, title, None, description or None)
    assert rel.relevant, rel.matches
    assert tag in rel.tags


@pytest.mark.parametrize(
    "title",
    [
        "Rusland valt Kyiv aan met drones, stroomuitval in de hoofdstad",
        "Ataque russo com mísseis deixa mortos em Odessa",
        "Atac cu drone asupra Kievului în timpul nopții, trei răniți",
        "Ruský útok dronů na Kyjev, v části města výpadky proudu",
        "Ryska drönarattacker mot Kiev under natten",
        "Rusya'dan Kiev'e füze saldırısı: elektrik kesintileri yaşanıyor",
        "Israel en Hamas bereiken akkoord over staakt-het-vuren in Gaza",
        "Acordo de cessar-fogo em Gaza entre Israel e o Hamas",
    ],
)
def test_the_newer_languages_know_the_war_and_other_wars(profile: TopicProfile, title: str) -> None:
    assert not score_text(profile, title, None).relevant


@pytest.mark.parametrize(
    ("title", "group"),
    [
        # profile 110, from round yw (feed-like, nl pt ro cs tr fi sk): words the lists lacked
        ("Puolustusministerit keskustelevat turvajärjestelyistä Ukrainalle Brysselissä", "security_guarantees"),
        ("Britannia kokoaa halukkaiden Ukraina-koalitiota Lontoossa", "coalition_of_the_willing"),
        ("Ukraina ja Venäjä neuvottelevat ensi viikolla sodan lopettamisesta", "ceasefire_talks"),
        ("Kreml trvá na tom, že Ukrajina musí předat Doněckou oblast", "ceasefire_talks"),
        ("Evropa podporuje všechny iniciativy vedoucí k ukončení války na Ukrajině", "ceasefire_talks"),
        ("Rusko slíbilo, že na energetické objekty Ukrajiny nebude útočit", "truce_announcements"),
        ("Rusi sľúbili, že na energetické zariadenia Ukrajiny nebudú útočiť", "truce_announcements"),
        ("Rusya ve Ukrayna heyetleri yarın İstanbul'da görüşecek", "direct_talks"),
        ("Kremlin: Ukrayna ile anlaşma imzalamak için erken", "direct_talks"),
        # profile 111, from round yx: the peace "framework" (Geneva, November 2025) in every language,
        # and a multinational force with "Ukraine" between its words (Turkish "güç" -> "gücü")
        ("USA a Ukrajina slibují aktualizovaný mírový rámec pro Ukrajinu", "ceasefire_talks"),
        ("Les États-Unis et l'Ukraine s'accordent sur un cadre de paix actualisé", "ceasefire_talks"),
        ("USA und Ukraine einigen sich auf einen Friedensrahmen", "ceasefire_talks"),
        ("EE.UU. y Ucrania pactan un marco de paz renovado", "ceasefire_talks"),
        ("Zelenskiy: Avrupa öncülüğünde çok uluslu Ukrayna gücü kurulacak", "reassurance_force"),
        # profile 112, from round yy (the eight first languages): a leader's conditions for the end of
        # the war; calls with Putin in the forms "поговорю" and "говорил", a first name between
        ("L'Ukraine pose des conditions pour la fin du conflit", "ceasefire_talks"),
        ("Zelensky sets out conditions for an end to the war", "ceasefire_talks"),
        ("Selenskyj nennt Bedingungen für ein Kriegsende", "ceasefire_talks"),
        ("«Я знову поговорю з Володимиром Путіним» – Макрон про мир в Україні", "calls_with_putin"),
        ("Трамп рассказал, что говорил с Путиным об Украине", "calls_with_putin"),
    ],
)
def test_words_the_latest_rounds_taught(profile: TopicProfile, title: str, group: str) -> None:
    rel = score_text(profile, title, None)
    assert group in rel.matches and rel.relevant, rel.matches


def test_a_czech_interview_is_not_talks(profile: TopicProfile) -> None:
    # profile 110: the singular "rozhovor" is an interview as often as a conversation; the plural,
    # "rozhovory", is the talks
    interview = score_text(
        profile,
        "Putin v televizi o válce na Ukrajině",
        None,
        "Rozhovor odvysílala ruská televize, Putin mluvil o Rusku.",
    )
    assert "direct_talks" not in interview.matches and not interview.relevant
    talks = score_text(profile, "Rozhovory Ruska a Ukrajiny pokračují v Istanbulu", None)
    assert talks.relevant and any("rozhovory" in t for m in talks.matches.values() for t in m.get("title", ())), talks


def test_romanian_letters_fold_to_one_form(profile: TopicProfile) -> None:
    # comma-below, cedilla and no diacritics at all are one spelling to the matcher
    for title in (
        "Garanțiile de securitate pentru Ucraina, discutate la Paris",
        "Garanţiile de securitate pentru Ucraina, discutate la Paris",
        "Garantiile de securitate pentru Ucraina, discutate la Paris",
    ):
        rel = score_text(profile, title, None)
        assert rel.matches["security_guarantees"]["title"] == ["garantiile de securitate pentru ucraina"], title
        assert rel.relevant


def test_capital_sua_and_vs_are_the_united_states(profile: TopicProfile) -> None:
    # Romanian "SUA" and Dutch "VS" in capitals; Italian "sua" (his) and English "vs" are not
    assert score_text(profile, "Planul SUA pentru Ucraina", None).matches["united_states"]["title"] == ["s.u.a."]
    assert score_text(profile, "Gesprek met de VS over Oekraïne", None).matches["united_states"]["title"] == ["v.s."]
    assert "united_states" not in score_text(profile, "Zelensky e la sua visita a Kyiv", None).matches
    assert "united_states" not in score_text(profile, "Ukraine vs Russia: the front in maps", None).matches


def test_turkish_capital_dotted_i_folds_to_i(profile: TopicProfile) -> None:
    rel = score_text(profile, "İstanbul'da Rusya ve Ukrayna heyetleri arasında müzakereler", None)
    assert rel.matches["talk_rounds"]["title"] == ["istanbul'da rusya ve ukrayna heyetleri arasında müzakereler"]
    assert rel.relevant


def test_a_stem_of_one_language_is_not_a_word_of_another(profile: TopicProfile) -> None:
    # profile 107: Finnish "Krim*" took the German "Kriminalbeamte" for Crimea; Finnish lists its forms
    assert "ukraine" not in score_text(profile, "Kriminalbeamte ermitteln in Madagaskar", None).matches
    assert score_text(profile, "Krimin tulevaisuus rauhanneuvotteluissa", None).matches["ukraine"]["title"] == [
        "krimin"
    ]


def test_a_slovak_meeting_is_not_a_clash_and_trump_declines_in_finnish(profile: TopicProfile) -> None:
    # profile 107: "stret*" (a clash) took "stretnutie" (a meeting) for front news
    rel = score_text(
        profile,
        "Nové kolo rusko-ukrajinských rokovaní v Istanbule",
        None,
        "Stretnutie delegácií sa uskutoční v piatok.",
    )
    assert "battlefield" not in rel.matches
    assert rel.relevant
    # Finnish inflects the name: "Trumpin ja Zelenskyin tapaaminen" is a Trump-Zelensky meeting
    # and its plurals change the stem: "neuvottelija" (negotiator), "neuvottelijoita" (negotiators)
    roles = score_text(profile, "Ukrainan neuvottelijoita tavattiin Berliinissä", None)
    assert roles.matches["negotiator_roles"]["title"] == ["neuvottelijoita"]
    meeting = score_text(profile, "Trumpin ja Zelenskyin tapaaminen Washingtonissa", None)
    assert meeting.matches["trump"]["title"] == ["trumpin"]
    assert "zelensky_meetings" in meeting.matches


def test_short_words_of_one_language_are_not_cues_in_another(profile: TopicProfile) -> None:
    # Dutch "na" (after) is the Polish "na" (on): it is not a setting cue; "kort na" is
    rel = score_text(profile, '"Rosja stoi na drodze do zawarcia pokoju". Trump o ataku na rezydencję Putina', None)
    assert "discounted" not in rel.matches["ceasefire_talks"]
    strike = score_text(profile, "Russische raketaanval op Kyiv kort na de vredesgesprekken", None)
    assert strike.matches["ceasefire_talks"]["discounted"]["background"] == ["vredesgesprekken"]


def test_a_countrys_troops_in_ukraine_are_a_force_only_when_foreign(profile: TopicProfile) -> None:
    # Russia's own troops in Ukraine are the war; European or Dutch troops there are the force
    for title in (
        "Poetin spreekt zijn troepen in Oekraïne toe",
        "Tropas russas na Ucrânia avançam em Donetsk",
        "Ruští vojáci na Ukrajině postupují u Pokrovsku",
    ):
        assert "reassurance_force" not in score_text(profile, title, None).matches, title
    for title in (
        "Nederlandse militairen in Oekraïne na een bestand?",
        "Militares portugueses na Ucrânia depois do cessar-fogo",
        "Evropští vojáci na Ukrajině po příměří",
    ):
        assert "reassurance_force" in score_text(profile, title, None).matches, title


def test_a_czech_meeting_is_not_talks_unless_a_side_is_named(profile: TopicProfile) -> None:
    # "jednání" is any meeting or session (of a council, about ammunition): talks only with a side
    session = score_text(
        profile,
        "Bezpečnostní rada bude jednání o muniční iniciativě pro Ukrajinu",
        None,
        "Česko dodává munici Ukrajině, která se brání ruské agresi.",
    )
    assert "direct_talks" not in session.matches
    talks = score_text(profile, "Ministři zahraničí Ukrajiny a Ruska jednají v Turecku", None)
    assert talks.matches["direct_talks"]["title"] == ["jednají"]
    assert talks.relevant


def test_portuguese_garante_is_a_verb(profile: TopicProfile) -> None:
    # "Putin garante que..." (Putin assures): not a guarantor state; "como garante" still is
    assert "guarantor_states" not in score_text(profile, "Putin garante que a Rússia avança em Kursk", None).matches
    rel = score_text(profile, "Estados Unidos como garante de la paz en Ucrania", None)
    assert rel.matches["guarantor_states"]["title"] == ["como garante"]


# -- the scoring model ----------------------------------------------------------------------------


def test_background_cue_discounts_the_talks(profile: TopicProfile) -> None:
    subject = score_text(profile, "Ukraine and Russia resume peace talks in Geneva", None)
    setting = score_text(profile, "Ukraine says power restored in Odesa amid peace talks", None)
    assert subject.relevant
    assert not setting.relevant
    assert setting.matches["ceasefire_talks"]["discounted"] == {"background": ["peace talks"]}
    assert setting.score < subject.score
    # round zl (profile 44): "before new talks" is a setting too, not only "before the talks"
    strike = "Ataque con dron ruso mata a 3 en el sur de Ucrania antes de nuevas conversaciones de paz"
    ahead = score_text(profile, strike, None)
    assert ahead.matches["ceasefire_talks"]["discounted"] == {"background": ["conversaciones de paz"]}
    assert not ahead.relevant


@pytest.mark.parametrize(
    "title",
    [
        # "before the talks" in every language, as "ahead of" in English (profile 38)
        "La Russie frappe le port d'Odessa avant les pourparlers de paix",
        "Ropa tanieje przed rozmowami pokojowymi w sprawie Ukrainy",
        "Россия ударила по Одессе перед мирными переговорами",
    ],
)
def test_before_the_talks_is_their_setting(profile: TopicProfile, title: str) -> None:
    rel = score_text(profile, title, None)
    assert "background" in rel.matches["ceasefire_talks"]["discounted"]
    assert not rel.relevant


def test_topic_far_from_anchor_counts_less_in_a_full_text(profile: TopicProfile) -> None:
    filler = "The city council discussed the new tram line, parking fees and the budget for schools. " * 12
    near = "Ukraine asked its partners for security guarantees. " + filler
    far = "Ukraine held a cultural festival this week. " + filler + "Elsewhere, security guarantees were discussed."
    near_rel = score_text(profile, None, near)
    far_rel = score_text(profile, None, far)
    assert "discounted" not in near_rel.matches["security_guarantees"]
    assert far_rel.matches["security_guarantees"]["discounted"] == {"distant": ["security guarantees"]}
    assert far_rel.score < near_rel.score
    assert near_rel.relevant and not far_rel.relevant


@pytest.mark.parametrize(
    "title",
    [
        "Israel and Hamas agree to extend the Gaza ceasefire; Ukraine watches closely",
        "Sudan peace talks stall as Ukraine's drone makers eye African markets",
        "Syria declares ceasefire in Aleppo, Ukraine's envoy welcomes the move",
        "Russia and Japan still without a peace treaty over the Kuril Islands as Ukraine war drags on",
        "Moldova and Russia meet in 5+2 talks on Transnistria; Ukraine attends",
        "Cessate il fuoco tra India e Pakistan: non ancora in Ucraina",
        "Iran talks in Istanbul: Russia and Ukraine watch the nuclear file",
        "Coalition of the willing: how Bush and Blair built the 2003 Iraq alliance",
        "Plan pokojowy dla Gruzji: Rosja i Francja uzgodniły warunki, prezydent Ukrainy w Tbilisi po wojnie w Gruzji",
    ],
)
def test_other_conflicts_ceasefires_are_not_the_story(profile: TopicProfile, title: str) -> None:
    rel = score_text(profile, title, None)
    assert "other_conflicts" in rel.matches
    assert not rel.relevant


def test_a_span_counts_once(profile: TopicProfile) -> None:
    rel = score_text(profile, "Rozmowy w sprawie pokoju w Ukrainie", None)
    assert rel.matches["ceasefire_talks"] == {"title": ["w sprawie pokoju"]}
    assert "peace_general" not in rel.matches  # "pokoju" is part of the longer match


def test_two_groups_overlapping_without_containing_each_other_both_count(profile: TopicProfile) -> None:
    # "force de paix" (the force) and "paix en Ukraine" (the talks) share "paix": neither is part
    # of the other, so both facets count (profile 33; before, the longer one hid the force)
    rel = score_text(profile, "Des soldats belges dans une force de paix en Ukraine ?", None)
    assert rel.matches["reassurance_force"] == {"title": ["force de paix"]}
    assert rel.matches["ceasefire_talks"] == {"title": ["paix en ukraine"]}
    assert rel.relevant


def test_russia_anchor_alone_needs_the_talks(profile: TopicProfile) -> None:
    assert score_text(profile, "European leaders urge talks with Russia on the war's end", None).relevant
    assert not score_text(profile, "Russia and China sign a gas deal in Moscow", None).relevant


def test_opinion_poll_is_not_the_talks(profile: TopicProfile) -> None:
    rel = score_text(profile, "Poll: most Ukrainians doubt the war will end in 2026", None)
    assert not rel.relevant
    assert "opinion_polls" in rel.matches


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Переговори у Стамбулі: позиції сторін", "Делегації України та Росії зустрілися вперше з 2022 року."),
        ("Rozmowy ukraińsko-rosyjskie w Stambule", "Delegacje obu państw usiadły do stołu po trzech latach."),
        ("Russes et Ukrainiens se rencontrent à Abou Dhabi", "Un groupe de travail siège pour la première fois."),
        ("Neue Verhandlungsrunde zwischen Russland und der Ukraine", ""),
    ],
)
def test_bare_talks_between_the_war_parties_are_the_story(profile: TopicProfile, title: str, description: str) -> None:
    rel = score_text(profile, title, None, description)
    assert "direct_talks" in rel.matches
    assert rel.relevant
    assert "ceasefire-negotiations" in rel.tags


def test_bare_talks_need_both_parties_and_a_headline_or_summary(profile: TopicProfile) -> None:
    # Ukraine alone: accession talks, trade talks... are not the war's talks
    accession = score_text(profile, "Ukraine opens new round of talks with the EU on farm exports", None)
    assert "direct_talks" not in accession.matches
    assert not accession.relevant
    # in a long body, "talks" next to Ukraine and Russia is everywhere: not looked for there
    body = "Russian drones hit Kharkiv overnight, Ukraine's air force said. Talks on grain were held. " * 3
    in_body = score_text(profile, "Overnight attack on Kharkiv", body)
    assert "direct_talks" not in in_body.matches
    assert not in_body.relevant
    # German "treffen" is also the verb "to hit": drones hitting a refinery are no meeting
    strike = score_text(profile, "Ukrainische Drohnen treffen russische Raffinerie", None)
    assert "direct_talks" not in strike.matches
    assert not strike.relevant


def test_talks_between_russia_and_the_us_are_the_story(profile: TopicProfile) -> None:
    # bare talks need Russia and one of Ukraine or the United States
    riyadh = score_text(profile, "Russian and US delegations begin talks today", None)
    assert "direct_talks" in riyadh.matches
    assert riyadh.relevant
    # named by the round's city, with words between, they are a round of the talks (v23)
    miami = score_text(profile, "Nuovo giro di colloqui in corso a Miami tra Usa e Ucraina", None)
    assert "talk_rounds" in miami.matches and miami.relevant
    # Ukraine and the US alone: a drone deal, a minerals deal... are not the war's talks
    drones = score_text(profile, "Ukraine and the United States hold talks on a drone deal", None)
    assert "direct_talks" not in drones.matches
    assert not drones.relevant
    # "US" in capitals is the United States, spelled either way; "us" is a pronoun
    caps = score_text(profile, "US and Russian negotiators hold talks in Riyadh", None)
    dotted = score_text(profile, "U.S. and Russian negotiators hold talks in Riyadh", None)
    assert caps.relevant and caps.score == dotted.score
    pronoun = score_text(profile, "Kremlin: let us see what the talks bring", None)
    assert "united_states" not in pronoun.matches
    assert not pronoun.relevant


def test_a_required_group_missing_does_not_hide_other_matches(profile: TopicProfile) -> None:
    # "rozmowy" is a bare-talks term; without Russia named it does not count, and the longer
    # talks phrase around it still does
    rel = score_text(profile, "Rozmowy pokojowe: Ukraina czeka na odpowiedź", None)
    assert rel.matches["ceasefire_talks"] == {"title": ["rozmowy pokojowe"]}
    assert "direct_talks" not in rel.matches


def test_military_aid_alone_is_the_war_not_the_talks(profile: TopicProfile) -> None:
    aid = score_text(profile, "Senate passes new military aid package for Ukraine", "Ukraine will receive arms.")
    assert "long_term_support" in aid.matches
    assert not aid.relevant
    with_guarantees = score_text(
        profile, "Military aid and security guarantees for Ukraine on the table in Paris", None
    )
    assert with_guarantees.relevant
    assert {"long-term-support", "security-guarantees"} <= set(with_guarantees.tags)


def test_a_summary_opening_with_the_talks_is_about_them(profile: TopicProfile) -> None:
    # under a headline that names another kind of news (a protest)
    headline = "Thousands protest in Kyiv"
    opening = score_text(profile, headline, None, "The peace plan seen by AFP gives Russia parts of Donetsk.")
    assert "discounted" not in opening.matches["ceasefire_talks"]
    assert opening.relevant
    later = score_text(profile, headline, None, "Maps seen by AFP give Russia parts of Donetsk under the peace plan.")
    assert later.matches["ceasefire_talks"]["discounted"] == {"off_topic_headline": ["peace plan"]}
    assert not later.relevant
    # under a vague headline the summary says what the item is about, wherever it names the talks
    vague = score_text(
        profile,
        "Kyiv would cede 2,300 square kilometres without a fight",
        None,
        "Maps seen by AFP give Russia parts of Donetsk under the peace plan.",
    )
    assert vague.relevant


@pytest.mark.parametrize(
    ("title", "description", "group"),
    [
        ("El enviado especial de Trump viaja a Moscú", "Llevará a Putin el borrador sobre Ucrania.", "negotiators"),
        ("Mosca: truppe occidentali in Ucraina sarebbero un bersaglio", "", "reassurance_force"),
        ("Kremlin warns Western forces in Ukraine would be targets", "", "reassurance_force"),
        ("The case for a binding security agreement with Ukraine", "", "security_guarantees"),
        ("Polska gwarantem pokoju w Ukrainie?", "", "guarantor_states"),
        ("Tusk: Poland will not send soldiers to Ukraine", "", "reassurance_force"),
        ("Zelensky: any agreement with Russia would be put to a referendum", "", "ceasefire_talks"),
        ("Putin announces an Easter truce in Ukraine", "", "truce_announcements"),
        ("Witkoff meets Putin in the Kremlin for five hours", "", "negotiators"),
        ("Ukraina odpowiada na 28-punktowy plan", "", "ceasefire_talks"),
        ("Réanimation de Minsk 2 ?", "Kiev et Moscou échangent des propositions.", "talk_formats"),
        ("Ukraine peace conference opens in Switzerland", "", "summits"),
        ("Russia and Ukraine agree to a Black Sea ceasefire", "", "truce_announcements"),
        ("Zelensky, elezioni e referendum sulla pace", "", "peace_referendum"),
        ("Kremlin hands over its memorandum to Kyiv", "", "direct_talks"),
        ("Free economic zone in Donbas: what the plan says", "", "ceasefire_talks"),
        (
            "US proposes to take over the Zaporizhzhia nuclear plant",
            "Ukraine and Russia would share its power.",
            "znpp_deal",
        ),
        ("Putin agrees in a call with Trump to halt attacks on energy for 30 days", "", "putin_meetings"),
        ("Chi sono i Volenterosi riuniti a Parigi", "", "coalition_of_the_willing"),
        ("Moscow: Western troops in Ukraine would be legitimate targets", "", "reassurance_force"),
        ("Стармер: британские войска будут строить военные базы на Украине", "", "reassurance_force"),
        ("Zelenski descarta cambiar la Constitución para renunciar a la OTAN", "", "nato_role"),
        ("US offers Ukraine NATO-like guarantee", "", "nato_role"),
        # Ukraine's negotiators name Ukraine as its president does
        ("Мирні переговори в Женеві: Єрмак заявив про продовження діалогу", "", "talk_rounds"),
        ("Papst schickt vatikanischen Sonderbeauftragten in die Ukraine", "Eine Friedensmission.", "negotiators"),
        ("Переговори в Женеві показали: план Трампа змінився", "Між Україною та США.", "ceasefire_talks"),
        (
            "Rusia apuesta por mantener a Estambul como sede de diálogos",
            "Negociaciones entre Rusia y Ucrania.",
            "direct_talks",
        ),
        # the Normandy format names the story by itself: no need to name Ukraine
        (
            "Нормандська зустріч пройде 9 грудня у Парижі",
            "Саміт нормандської четвірки планується на 9 грудня.",
            "talk_formats",
        ),
        (
            "Conversaciones en Estambul: luz al final del túnel",
            "La ronda en Turquía fue un avance para Ucrania.",
            "talk_rounds",
        ),
        # round p: energy-truce headlines, a deal to end the war, bilateral security agreements,
        # the peace summit naming the story by itself, the rounds named by their city
        ("Kreml: 14 Tage keine Angriffe auf Energieanlagen der Ukraine", "", "truce_announcements"),
        (
            "Россия уточнила, какие объекты она не будет атаковать",
            "Речь идет об энергетике Украины.",
            "truce_announcements",
        ),
        ("Sybiha: a deal to end the war is within reach", "", "ceasefire_talks"),
        ("Italia e Ucraina firmano un accordo bilaterale di sicurezza", "", "security_guarantees"),
        ("Bürgenstock: what the final communiqué says", "", "talk_formats"),
        ("Talks in Riyadh: Kyiv and Washington agree on next steps", "", "talk_rounds"),
        ("Les Européens doivent négocier avec la Russie, dit Macron", "", "talks_with_russia"),
        # round q: freezing the war, peace proposals, an air shield, a European-led force, the
        # Pope's peace envoy
        ("Should the West freeze the conflict along the front line in Ukraine?", "", "ceasefire_talks"),
        ("Putin składa propozycję pokojową Ukrainie", "", "ceasefire_talks"),
        ("На Западе обсуждают воздушный щит над Украиной", "", "air_policing"),
        ("US pledges air support to a European-led force in Ukraine", "", "reassurance_force"),
        ("Friedensgesandter des Papstes reist nach Kiew", "Er spricht über die Ukraine.", "negotiators"),
        # round r: re-engaging with Putin, the Normandy advisers,
        # German compounds for talks and forces
        ("Macron wants Europe to re-engage with Putin", "Over the war in Ukraine.", "talks_with_russia"),
        ("Встреча «нормандских» советников в Берлине завершилась", "", "talk_formats"),
        ("Vermittlungsgespräche zum Ukraine-Konflikt in Paris", "Mit Vertretern Russlands.", "direct_talks"),
        ("Kiew und London unterzeichnen Erklärung über multinationale Kräfte für die Ukraine", "", "reassurance_force"),
        # version 20: every language's ways of saying Trump called or met Putin, the plant by its rank
        ("Trump habló con Putin durante dos horas", "Sobre Ucrania.", "putin_meetings"),
        ("US seeks control around Europe's largest nuclear power plant", "Trump's plan for Ukraine.", "znpp_deal"),
        # rounds s-w (profiles 21-25)
        ("Ukraine und Russland verzichten auf Angriffe im Schwarzen Meer", "", "truce_announcements"),
        (
            "Trump aspira a controlar la mayor planta nuclear de Europa",
            "Parte de un acuerdo entre Kiev y Moscú.",
            "znpp_deal",
        ),
        # Polish locative: the stem changes (szczyt -> szczycie)
        ("Andrzej Duda rozmawiał z Wołodymyrem Zełenskim", "Weźmie udział w szczycie pokojowym w czerwcu.", "summits"),
        (
            "Tydzień bez rosyjskich uderzeń? Kreml komentuje",
            "Putin miał zgodzić się nie atakować Kijowa.",
            "truce_announcements",
        ),
        (
            "Russia rejects Zelensky's proposal",
            "Kyiv suggested a referendum on Donbas; the Kremlin says no.",
            "peace_referendum",
        ),
        # a leader's call with Putin, Ukraine named (not Trump's: putin_meetings)
        ("Kritik von Selenskyj an Scholz nach Gespräch mit Putin", "", "calls_with_putin"),
        # a gap word may be an abbreviation: capital USA is spelled U.S.A. before matching
        (
            "Koniec spotkania delegacji USA i Ukrainy",
            "Zakończyło się spotkanie delegacji Ukrainy i USA w Miami.",
            "talk_rounds",
        ),
        ("Selenskyj lobt Teile des chinesischen Vorschlags für Kriegsende", "Die Ukraine reagiert.", "ceasefire_talks"),
        ("Vatican envoy in Moscow: mediation with Kyiv goes on", "", "direct_talks"),
        ("Зеленский заявил, что Украина не отдаст Донбасс и ЗАЭС «без боя»", "", "ceasefire_talks"),
        (
            "El Kremlin cuestiona el rechazo de Zelenski a ceder el Donbás y la central de Zaporiyia",
            "",
            "ceasefire_talks",
        ),
        (
            "Pierwszy wielki szczyt w sprawie Ukrainy",
            "Pierwszy Szczyt Pokoju odbędzie się w Burgenstock.",
            "talk_formats",
        ),
        # round x (profile 27): peace initiatives, negotiated and political settlements,
        # withdrawing troops from Donbas, pausing strikes, direct dialogue with Russia, a summit
        # between the sides, a stabilisation force
        ("Brazil widens its peace initiative for Ukraine", "", "ceasefire_talks"),
        ("Pékin plaide pour une solution politique en Ukraine", "", "ceasefire_talks"),
        (
            "Kreml fordert, dass Kiew seine Truppen aus dem Donbass abziehen soll",
            "Selenskyj lehnt ab.",
            "ceasefire_talks",
        ),
        ("Zełenski: nie wycofamy się z Donbasu bez referendum", "", "ceasefire_talks"),
        ("Kremlin agrees to pause strikes after a call with Washington", "On Ukraine's grid.", "truce_announcements"),
        ("Москва приостановит удары по Киеву на три дня", "", "truce_announcements"),
        ("Rome et Paris veulent un dialogue direct avec Moscou", "Sur la guerre en Ukraine.", "talks_with_russia"),
        ("Спор о саммите между Украиной и Россией", "", "direct_talks"),
        ("Meloni proposes a stabilisation mission for Ukraine", "", "reassurance_force"),
        # round y (profile 28): peace between the two sides, a numbered paper, ceding territory,
        # a mediator in this war, the Volker-Surkov channel, the Minsk peace plan, more verb forms
        ("Ankara wirbt für Frieden zwischen Russland und der Ukraine", "", "ceasefire_talks"),
        ("Pechino presenta un documento di 12 punti sull'Ucraina", "", "ceasefire_talks"),
        ("Kyiv rules out ceding territory to Russia", "", "ceasefire_talks"),
        ("Turkey's president offers himself as Ukraine mediator", "He spoke to Putin.", "negotiators"),
        ("Сурков і Волкер обговорили миротворців на Донбасі", "", "negotiators"),
        ("Merkel über den Minsker Friedensplan", "Die Ukraine brauchte Zeit.", "talk_formats"),
        ("Moscú acepta que Rusia detenga los ataques a la red energética de Ucrania", "", "truce_announcements"),
        ("USA i Rosja będą negocjować w Stambule", "", "direct_talks"),
        # round z (profile 29): the Swiss peace summit, negotiating an end (German), the path to
        # peace and its obstacles, a Trump-Putin call with first names, a call to Putin in Polish
        ("Swiss peace summit: who signed the final text", "Ukraine's allies mostly did.", "talk_formats"),
        ("Der Papst ruft Kiew auf, ein Ende des Krieges mit Russland auszuhandeln", "", "ceasefire_talks"),
        ("Эрдоган: Запорожская АЭС - препятствие для достижения мира", "", "ceasefire_talks"),
        ("Lula sees a path to peace in Ukraine", "", "ceasefire_talks"),
        (
            "Ucraina, il giorno dopo",
            "Lungo colloquio telefonico tra Donald Trump e Vladimir Putin sulla guerra.",
            "putin_meetings",
        ),
        ("Macron zadzwonił do Władimira Putina", "Rozmowa dotyczyła Ukrainy.", "calls_with_putin"),
        # round za (profile 30): the African peace mission, a way out negotiated, a round named by
        # its city before "talks", protecting Ukraine's skies, an exchange agreed by the two sides
        ("La mission de paix africaine arrive à Kiev", "", "talk_formats"),
        ("Lula quiere negociar una salida a la guerra en Ucrania", "", "ceasefire_talks"),
        ("Kremlin names its delegation for the Abu Dhabi security talks", "", "talk_rounds"),
        ("Europe drafts a plan to protect Ukrainian airspace", "", "air_policing"),
        ("Russland und die Ukraine vereinbaren einen Gefangenenaustausch", "", "exchange_agreements"),
        # round zb (profile 31): a format's genitive, China's and the Pope's envoys, the sides'
        # ministers and counterparts, close to a deal, a just and lasting peace, a non-aggression pact
        ("Berlin will die Gespräche des Normandie-Formats wiederbeleben", "Mit der Ukraine.", "talk_formats"),
        ("Пекін відправляє Лі Хуея до Києва", "", "negotiators"),
        ("Посланник папы едет в Киев", "", "negotiators"),
        ("Kuleba confirms a meeting with his Russian counterpart", "", "direct_talks"),
        ("La Russie et l'Ukraine proches d'un accord, selon Ankara", "", "direct_talks"),
        ("Meloni: per l'Ucraina serve una pace giusta e duratura", "", "ceasefire_talks"),
        ("Kyiv weighs a non-aggression pact with Russia", "", "ceasefire_talks"),
        ("Китай хочет урегулировать конфликт на Украине", "", "ceasefire_talks"),
        # round zc (profile 32): troops offered for a peace mission, neutrality with international
        # guarantees, the Minsk summit, the Geneva statement of 2014, a truce ordered without
        # "energy", a dialogue with Putin named in full
        ("Wien könnte 100 Soldaten für eine Friedensmission in der Ukraine stellen", "", "reassurance_force"),
        ("Kyiv offers neutral status if Russia withdraws", "", "security_guarantees"),
        ("El acuerdo de la cumbre de Minsk, en peligro", "Ucrania acusa a los separatistas.", "talk_formats"),
        ("Ławrow: Kijów łamie porozumienie z Genewy", "", "talk_rounds"),
        ("Putin ordena suspender ataques contra Ucrania durante una semana", "", "truce_announcements"),
        ("Macron veut renouer le dialogue avec Vladimir Poutine sur l'Ukraine", "", "talks_with_russia"),
        # round zd (profile 33): a peaceful solution, the Jeddah summit, envoys to Ukraine and
        # China's envoy, a peace emissary, a peace force in French, a Putin-Trump meeting in the
        # genitive
        ("Beijing calls for a peaceful solution in Ukraine", "", "ceasefire_talks"),
        ("Jeddah summit on Ukraine ends without a statement", "", "talk_rounds"),
        ("Enviado chino visita Kiev y Moscú", "Habla de Ucrania.", "negotiators"),
        ("Orbán chce być emisariuszem pokoju w Ukrainie", "", "negotiators"),
        ("Des soldats belges dans une force de paix en Ukraine ?", "", "reassurance_force"),
        (
            "Орбан: подготовка саммита России и США продолжается",
            "Готовится встреча президентов России и США Владимира Путина и Дональда Трампа.",
            "putin_meetings",
        ),
        # round ze (profile 34): a peaceful solution in Polish word order, the Istanbul agreement
        ("Kijów i Moskwa szukały rozwiązania pokojowego", "", "ceasefire_talks"),
        ("Kiev regrette l'échec de l'accord d'Istanbul", "", "talk_rounds"),
        # round zg (profile 39): the Pope's envoy by name, hostilities ceased as a verb, resolving
        # the conflict, the Friends of Peace, a summit on Ukraine, guaranteeing Ukraine's security
        # as a verb, giving up the NATO bid with words between, a reprieve from strikes, talks with
        # the Kremlin chief
        ("Il cardinale Zuppi torna a Mosca", "", "negotiators"),
        ("Moscou et Kiev acceptent de cesser les hostilités en mer Noire", "", "ceasefire_talks"),
        ("China sets out its plan for the resolution of the conflict in Ukraine", "", "ceasefire_talks"),
        ("Brasil y China reúnen a los Amigos de la Paz sobre Ucrania", "", "summits"),
        ("Leaders gather in London for a summit on Ukraine", "", "summits"),
        ("Quién garantizará la seguridad de Ucrania", "", "security_guarantees"),
        ("Kijów miałby rezygnować z dążenia do NATO", "Ukraina odrzuca plan.", "nato_role"),
        ("Kyiv offers Russia a reprieve from long-range strikes", "On Ukraine's side.", "truce_announcements"),
        ("Scholz für Gespräche mit Kremlchef Putin", "Über die Ukraine.", "talks_with_russia"),
        # round zh (profile 40): peace in Ukraine in the languages that lacked it, proposals and
        # mediation towards ending the war, talks about Ukraine and between the sides (Polish)
        ("Stubb cree que la paz en Ucrania no llegará antes de la primavera", "", "ceasefire_talks"),
        ("Il Papa: pregate per la pace in Ucraina e lavoriamo per essa", "", "ceasefire_talks"),
        ("Туреччина пропонує посередництво щодо завершення війни", "Україна вітає.", "ceasefire_talks"),
        ("Ministrowie obrony rozmawiali o Ukrainie w Paryżu", "", "ceasefire_talks"),
        ("Turcja chce być pośrednikiem między Rosją a Ukrainą", "Kijów o propozycji.", "negotiators"),
        # round zi (profile 41): a US-Russia summit and US-Ukraine talks named by their countries
        ("Kreml zmienia ton w sprawie szczytu USA-Rosja na Węgrzech", "", "summits"),
        ("Gespräche zwischen den USA und der Ukraine in Berlin beendet", "", "talk_rounds"),
        ("Les pourparlers américano-ukrainiens reprennent à Miami", "", "talk_rounds"),
        # round zj (profile 42): the terms of peace, giving up territory or Crimea with words between
        ("Tusk: Putin nie może narzucić nam warunków pokoju", "Ukraina się nie podda.", "ceasefire_talks"),
        ("Kissinger: Ukraine should cede part of its territory to Russia", "", "ceasefire_talks"),
        ("Prezydent Brazylii: Ukraina mogłaby oddać Krym", "", "ceasefire_talks"),
        # round zk (profile 43): making peace, the Korean scenario, a Minsk-3, a peace summit in
        # Italian, the German security agreement
        ("Warum die Ukrainer Selenskyj stürzen würden, wenn er schnell Frieden schließt", "", "ceasefire_talks"),
        ("Putin chiede tutta la posta per fare la pace con l'Ucraina", "", "ceasefire_talks"),
        ("Daniłow: dla Ukrainy scenariusz koreański", "Rosja chce zamrozić front.", "ceasefire_talks"),
        ("Україна: не буде жодних Мінськів-3", "Зеленський про безпекову пропозицію.", "talk_formats"),
        ("Ucraina, summit di pace: l'Occidente sta con Kiev", "", "summits"),
        ("Sicherheitsvereinbarung mit der Ukraine: Das steckt dahinter", "", "security_guarantees"),
        # round zl (profile 44): more forms of a leader's call with Putin, the London summit,
        # sending soldiers (Polish imperfective), European military in Ukraine
        (
            "Xavier Bettel s'est entretenu par téléphone avec Poutine",
            "Il appelle à un cessez-le-feu en Ukraine.",
            "calls_with_putin",
        ),
        ("Szczyt w Londynie. Tusk przeciwko wysyłaniu żołnierzy", "Trwały pokój dla Ukrainy.", "summits"),
        ("Лавров назвал европейских военных на Украине легитимной целью", "", "reassurance_force"),
        ("Bundesheer-Einsatz bei Kriegsende in Ukraine?", "", "reassurance_force"),
        # round zm (profile 46): a plan to stop the war (uk, ru), giving up Crimea (fr, de, it, es,
        # pl), sending troops in the genitive (ru)
        ("План США і Росії щодо припинення війни", "Україна отримала 28 пунктів.", "ceasefire_talks"),
        ("Guerre en Ukraine : renoncer à la Crimée, seule issue acceptable ?", "", "ceasefire_talks"),
        ("Orbán: Zelensky powinien zrzec się Krymu", "", "ceasefire_talks"),
        ("Орбан: у Евросоюза есть документ об отправке войск на Украину", "", "reassurance_force"),
        # profile 47: forms one language had and another lacked (a review of the term lists)
        ("Rokowania pokojowe w sprawie Ukrainy utknęły", "", "ceasefire_talks"),
        ("Ucraina, resta il nodo dei territori", "", "ceasefire_talks"),
        ("Україна і Росія: мирний договір можливий?", "", "ceasefire_talks"),
        ("Trump empfängt Selenskyj im Weißen Haus", "", "zelensky_meetings"),
        ("Ukraina nie wstąpi do NATO, mówi Witkoff", "", "nato_role"),
        # round zp (profile 51): a meeting between Trump and Putin with words between, Zelensky at
        # the White House, trilateral summits, US-Russia talks and talks in Saudi Arabia, the
        # Kremlin's negotiators, a negotiating position, initiatives to end the war
        ("Encuentro entre Donald Trump y Vladimir Putin: qué se espera", "", "putin_meetings"),
        ("Більше деталей про візит Зеленського до Білого дому", "Трамп прийме гостя.", "zelensky_meetings"),
        ("Meloni: al lavoro per un vertice trilaterale", "Zelensky e Putin potrebbero incontrarsi.", "talk_rounds"),
        ("Лавров прибыл на российско-американские переговоры", "", "talk_rounds"),
        ("Rozmowy Rosja-USA w Arabii Saudyjskiej", "", "talk_rounds"),
        ("Ушаков: следующая встреча с американцами по Украине", "", "kremlin_negotiators"),
        ("Kreml zmienia stanowisko negocjacyjne", "Chodzi o Ukrainę.", "direct_talks"),
        ("Nowa inicjatywa dyplomatyczna na rzecz zakończenia wojny w Ukrainie", "", "ceasefire_talks"),
        ("Ukraine : le plan de sortie de crise en débat", "", "ceasefire_talks"),
        # round zq (profile 52): Western forces in the languages that lacked the singular or the
        # Polish nominative plural, adjective-first talks in Polish, consultations and "arrived in
        # Riyadh for talks", a delegation for the talks, the peace table, Russia's officials by name
        ("Francuscy żołnierze we Lwowie?", "Zełenski w Paryżu.", "reassurance_force"),
        ("Західні сили в Україні: що відомо", "", "reassurance_force"),
        ("Putin: cualquier fuerza occidental en Ucrania será objetivo", "", "reassurance_force"),
        ("Tusk o ukraińsko-amerykańskich rozmowach", "", "talk_rounds"),
        ("Geneva consultations: what was agreed", "Moscow rejected it.", "talk_rounds"),
        ("Lavrov arrives in Riyadh for talks", "", "talk_rounds"),
        ("Президент затвердив делегацію для переговорів", "Зеленський підписав указ.", "negotiator_roles"),
        ("Zelensky pronto al tavolo della pace", "", "ceasefire_talks"),
        # round zr (profile 53): the deal's terms named without the talks: a cap on Ukraine's army,
        # an economic zone in Donbas, Russia's demands, joining NATO and "art. 5", the US
        # "strategic enablers" behind a European force
        ("Ukraina zgodziła się na ograniczenie liczebności armii", "", "ceasefire_talks"),
        ("Назван мотив Украины для экономической зоны в Донбассе", "", "ceasefire_talks"),
        ("Spór o Cerkiew. Kijów mówi 'nie' żądaniom Putina", "", "russian_demands"),
        ("Zelensky prêt à quitter son poste si l'Ukraine rejoint l'OTAN", "", "nato_role"),
        ("Ucraina, perché la Russia dirà no all'art. 5", "", "nato_role"),
        ("US offers strategic enablers to a European force for Ukraine", "", "us_backstop"),
        ("Plan de EE. UU. para Ucrania propone congelar el frente", "", "ceasefire_talks"),
        # round zs (profile 54): a Putin-Zelensky meeting, "legitimate targets" with the force
        # named, Western forces in Polish, a call with Trump, the chance of peace, a plan "für
        # eine Beendigung" of the war
        ("Putin bereit zu Treffen mit Selenskyj in Moskau", "", "putin_zelensky"),
        ("Putin amenaza: serán un objetivo legítimo", "Habla de tropas extranjeras en Ucrania.", "legitimate_targets"),
        ("Putin: siły zachodnie na Ukrainie byłyby celem", "", "reassurance_force"),
        ("Zełenski rozmawiał z Trumpem", "", "zelensky_meetings"),
        ("Zełenski: jest realna szansa na pokój", "", "ceasefire_talks"),
        ("Selenskyj berät in London", "Thema: der US-Plan für eine Beendigung des Ukraine-Kriegs.", "ceasefire_talks"),
        # round zt (profile 55): the White House meeting place first, Russia's ultimatums, the
        # 2014 borders, Lavrov and Rubio, Polish troops
        ("У Білому домі завершилася зустріч Зеленського, Трампа і лідерів ЄС", "", "zelensky_meetings"),
        ("Зеленський зустрінеться з президентом США Дональдом Трампом", "", "zelensky_meetings"),
        ("Zełenski: nigdy nie zaakceptujemy rosyjskich ultimatów", "", "russian_demands"),
        ("Trump: Ukraine won't get back to 2014 borders", "", "ceasefire_talks"),
        ("Siergiej Ławrow rozmawiał z Marco Rubio", "Chodzi o Ukrainę.", "calls_with_putin"),
        ("Tusk o Ukrainie: nie przewidujemy wysłania polskich wojsk", "", "reassurance_force"),
        # round zv (profile 57): the Verkhovna Rada names Ukraine, the coalition's other names, the
        # Polish genitive plural of peace agreements, talks on ending the conflict, giving up
        # Donbas, the Anchorage summit
        ("Peace talks must go back to a ceasefire, says Verkhovna Rada committee head", "", "ceasefire_talks"),
        ("Zelensky: la coalizione dei volontari resta teorica", "", "coalition_of_the_willing"),
        ("Коаліція рішучих збереться в Парижі", "", "coalition_of_the_willing"),
        ("Zełenski: Putin unika podpisania porozumień pokojowych", "", "ceasefire_talks"),
        ("Переговоры о завершении конфликта на Украине продолжатся", "", "ceasefire_talks"),
        ("Zelensky asegura que Ucrania no renunciará al Donbás", "", "ceasefire_talks"),
        ("Trump e Putin ad Anchorage: cosa resta del vertice sull'Ucraina", "", "putin_meetings"),
        # round zw (profile 58): the week without strikes on Kyiv in the cold of January 2026, a
        # negotiating strategy, trilateral contacts
        ("Trump: Russia halts strikes in the cold for a week", "", "truce_announcements"),
        ("Trump assure que Poutine ne frappera pas Kiev pendant une semaine", "", "truce_announcements"),
        ("Трамп попросил Путина не обстреливать Киев неделю", "", "truce_announcements"),
        ("Ucraina, niente attacchi dalla Russia per una settimana: l'annuncio di Trump", "", "truce_announcements"),
        (
            "Tydzień spokoju dla Kijowa",
            "Trump poprosił Putina o wstrzymanie na tydzień bombardowania Kijowa.",
            "truce_announcements",
        ),
        ("Putin erwägt neue Verhandlungsstrategie gegenüber der Ukraine", "", "direct_talks"),
        ("Estados Unidos prevé retomar los contactos trilaterales con Rusia y Ucrania", "", "talk_rounds"),
        # round zx (profile 59): the Budapest summit that did not happen, Putin's "legitimate"
        # targets in Polish, a colon after the speaker, a meeting in Istanbul
        ("Budapest-Treffen zwischen Trump und Putin auf Eis gelegt", "", "putin_meetings"),
        ("Salta il vertice di Budapest tra Trump e Putin", "", "putin_meetings"),
        ("Trump: entro due settimane vedrò Putin", "", "putin_meetings"),
        ("Putin grozi: zachodnie siły pokojowe będą legalnym celem ataku", "", "legitimate_targets"),
        ("Putin: Bereit für Treffen mit Selenskyj", "", "putin_zelensky"),
        ("Zelensky sente Erdogan: la riunione a Istanbul non deve essere vuota", "", "talk_rounds"),
        # round zy (profile 60): the week's pause in other words, the Kremlin toughening its stance
        # after the claimed attack on Putin's residence, Zelensky at Mar-a-Lago, Polish soldiers
        ("Trump says Putin to halt Kyiv strikes for week amid harsh cold", "", "truce_announcements"),
        ("Trump says he asked Putin not to target Kyiv during the cold spell", "", "truce_announcements"),
        ("Zusage an Trump: Putin will eine Woche lang keine Städte angreifen", "", "truce_announcements"),
        ("Kremlin says Russia toughening its stance on Ukraine after drone attack", "", "direct_talks"),
        ("Zełenski w rezydencji Trumpa na Florydzie", "", "zelensky_meetings"),
        ("Zelensky arrives at Mar-a-Lago for talks with Trump", "", "zelensky_meetings"),
        ("Polscy żołnierze pojadą na misję na Ukrainę?", "", "reassurance_force"),
        # round zz (profile 61): Kyiv and Moscow in the German genitive, an energy truce by what it
        # spares, a meeting named with words between, the Black Sea truce agreements
        (
            "Fortschritte bei den Verhandlungen in Genf",
            "Gespräche zwischen Vertretern Moskaus und Kyivs.",
            "talk_rounds",
        ),
        (
            "Kreml verkündet Feuerpause",
            "Russland wird keine Energieanlagen in der Ukraine beschießen.",
            "truce_announcements",
        ),
        (
            "Trump: Keine Deadline für das Kriegsende",
            "Trump sprach am Rande seines Treffens mit dem ukrainischen Präsidenten Selenskyj.",
            "zelensky_meetings",
        ),
        (
            "Details of ceasefire agreements on Black Sea remain unclear",
            "Ukraine and Russia agreed.",
            "truce_announcements",
        ),
        # round zza (profile 62): a mutual renunciation of strikes on civilian sites
        ("Kiew bietet Verzicht auf Schläge gegen zivile Einrichtungen an", "", "truce_announcements"),
        # round zzb (profile 65): a truce as fighting suspended, guarantees "as in NATO", a deal "on
        # Ukraine" in Russian
        ("Conflit russo-ukrainien : Moscou suspend les combats pour trois jours", "", "ceasefire_talks"),
        ("Trump obiecuje Ukrainie ochronę jak w NATO", "", "nato_role"),
        ("Трамп: сделки по Украине можно достичь быстрее, чем за 50 дней", "", "ceasefire_talks"),
        # round zzc (profile 66): a call for peace through negotiations, the end of hostilities
        (
            "Ramaphosa wirbt für Frieden durch Verhandlungen",
            "Selenskyj lehnt Gespräche mit Russland ab.",
            "ceasefire_talks",
        ),
        ("Трамп: завершение боевых действий на Украине может наступить скоро", "", "ceasefire_talks"),
        # ... Trump's pledge to end the war in 24 hours, the NATO invitation at Vilnius, the 2024
        # security cooperation agreements
        ("Trump promises to end war in Ukraine in 24 hours", "", "end_war_pledges"),
        ("Stoltenberg: Keine Beitrittseinladung für die Ukraine auf dem NATO-Gipfel", "", "nato_role"),
        ("Британия и Украина подписали соглашение о сотрудничестве в области безопасности", "", "security_guarantees"),
        # round zzd (profile 67): back to the negotiating table in the genitive, the US plan in
        # French, mediation efforts in Russian
        ("Zełenski powinien wrócić do stołu negocjacji. Duda: jak najszybciej", "", "ceasefire_talks"),
        ("Le plan américain pour l'Ukraine peut servir de base à un règlement", "", "ceasefire_talks"),
        ("Песков: Россия ценит посреднические усилия США по Украине", "", "direct_talks"),
        # round zze (profile 68): calls for more diplomacy, a single talk in Istanbul
        ("Woidke fordert mehr Diplomatie im Ukraine-Krieg", "", "ceasefire_talks"),
        (
            "Ukraine und Russland: erste Signale",
            "Nach dem ersten Gespräch in Istanbul gibt es Hoffnung.",
            "talk_rounds",
        ),
        # round zzf (profile 70): discussing ways to end the war, an informal summit on Ukraine
        (
            "Лукашенко хочет обсудить с Зеленским окончание войны",
            "Он готов обсудить пути завершения войны в Украине.",
            "ceasefire_talks",
        ),
        ("Los líderes europeos llegan a la cumbre informal sobre Ucrania en Londres", "", "summits"),
        # round zzg (profile 73): a truce as a promise not to strike, a peace initiative with
        # words between, how to end the war, the reassurance force in the Polish locative,
        # readiness to talk to Putin in German
        ("Putin agreed not to strike Ukraine's cities for a week, Trump says", "", "truce_announcements"),
        ("Zelensky soutient l'initiative du Vatican pour la paix", "", "ceasefire_talks"),
        ("Trump w ONZ mówi, jak zakończyć wojnę na Ukrainie", "", "ceasefire_talks"),
        (
            "Dwadzieścia sześć państw zadeklarowało udział w siłach reasekuracyjnych",
            "Kraje koalicji chętnych zobowiązały się wspierać Ukrainę.",
            "reassurance_force",
        ),
        ("Ukraine-Krieg: Hauptstädte signalisieren Gesprächsbereitschaft mit Putin", "", "talks_with_russia"),
        # round zzh (profile 74): a contingent for Ukraine, a trilateral named by its place
        ("Нидерланды допускают размещение военного контингента на Украине", "", "reassurance_force"),
        (
            "Trilaterale di Abu Dhabi, un nuovo capitolo",
            "Le delegazioni di Ucraina, Russia e Stati Uniti tornano al tavolo.",
            "talk_rounds",
        ),
        # round zzi (profile 75): a pause in the war
        ("Pokój pod nadzorem ONZ? Ukraina bez Krymu? A może tylko przerwa w wojnie?", "", "ceasefire_talks"),
        # round zzj (profile 76): calls to end the war, a way out of it
        ("Kissinger wzywa do zakończenia wojny", "Rosja i Ukraina powinny negocjować.", "ceasefire_talks"),
        ("Ukraine-Krieg: Papst sucht Ausweg aus dem Kriegselend", "", "ceasefire_talks"),
        # round zzk (profile 77): the Black Sea truce with its verb last, Crimea ceded, a platform
        # for talks, a summit with Ukraine, the diplomatic process, Trump meeting Zelensky by name
        ("Kiew und Moskau wollen auf Angriffe im Schwarzen Meer verzichten", "", "truce_announcements"),
        ("Trump deutet an, dass Selenskyj erwägen könnte, die Krim abzutreten", "", "ceasefire_talks"),
        ("Ukraine, Zelensky : merci au pape d'offrir une plateforme de négociations", "", "ceasefire_talks"),
        ("Nous sommes prêts à un sommet avec l'Ukraine à Moscou, dit Poutine", "", "summits"),
        ("«Мы будем продолжать дипломатический процесс»: Зеленский о переговорах с Россией", "", "ceasefire_talks"),
        ("Donald Trump spotka się z Wołodymyrem Zełenskim w przyszłym tygodniu", "", "zelensky_meetings"),
        # round zzl (profile 78): a promise not to fire, foreign contingents, peace plans in the
        # plural, the war's end by a date, an agreed swap of a number of prisoners
        ("Trump says Putin agreed to not fire on Kyiv for a week during cold weather", "", "truce_announcements"),
        (
            "Zelensky a discuté avec Macron du « déploiement de contingents » étrangers en Ukraine",
            "",
            "reassurance_force",
        ),
        ("Guerre en Ukraine : les plans de paix se multiplient", "La Russie et l'Ukraine.", "ceasefire_talks"),
        ("Zelensky, gli Usa vogliono la fine della guerra entro giugno", "", "ceasefire_talks"),
        ("Accordo tra Mosca e Kiev sullo scambio di 314 prigionieri", "", "exchange_agreements"),
        # round zzn (profile 79): peace mediation in every language, a call to Putin in Italian's
        # future tense
        ("Selenskyj drängt Trump zu Friedensvermittlungen für Ende im Ukraine-Krieg", "", "ceasefire_talks"),
        ("Le Vatican propose une médiation de paix entre Kiev et Moscou", "", "ceasefire_talks"),
        ("Erdoğan offers peace mediation between Russia and Ukraine", "", "ceasefire_talks"),
        ("Trump sentirà Putin in settimana", "Zelensky chiede garanzie per l'Ucraina.", "calls_with_putin"),
        # round zzo (profile 80): Crimea staying Russian, optimism about peace, the diplomatic path,
        # a de-escalation of strikes, talks in London, Trump "échanger avec" Putin
        ("Die Krim bleibt laut Trump russisch", "", "ceasefire_talks"),
        ("Ukraine : Zelensky à Paris, Trump se dit optimiste sur la paix", "", "ceasefire_talks"),
        ("Дипломатический путь быстрее: Зеленский о возвращении территорий Украины", "", "ceasefire_talks"),
        ("США снова предложили деэскалацию ударов по энергетике — Зеленский", "", "truce_announcements"),
        ("Почему сорвались переговоры в Лондоне", "Переговоры по Украине перенесли.", "talk_rounds"),
        (
            "Guerre en Ukraine : Donald Trump prévoit d'échanger avec Vladimir Poutine la semaine prochaine",
            "",
            "calls_with_putin",
        ),
        # round zzp (profile 81): concessions by both sides or by one of them, the Oval Office
        ("Vance dostrzega sukces Trumpa. Znaczące ustępstwa Rosji", "", "ceasefire_talks"),
        ("Vance: Russia has made significant concessions, Ukraine too", "", "ceasefire_talks"),
        ("В Овальному кабінеті відновились переговори Зеленського, Трампа та Європи", "", "zelensky_meetings"),
        # round zzq (profile 82): a plan to end the war, a halt to strikes until a date
        (
            "Ucrania, dispuesta a trabajar con EE.UU. el fin de la guerra",
            "Recibió un plan para terminar la guerra.",
            "ceasefire_talks",
        ),
        ("Kremlin: Trump asked Putin halt strikes Kyiv until February 1", "", "truce_announcements"),
        # round zzr (profile 83): the venue before the talks, a negotiated solution in Italian
        ("Zelensky atterrato a Gedda per i colloqui con sauditi e americani", "", "talk_rounds"),
        ("Что обсуждали в Абу-Даби: хроника событий", "Подробности о переговорах по Украине.", "talk_rounds"),
        ("Putin e Zelensky, Trump perno della soluzione negoziale", "", "ceasefire_talks"),
        # profile 85: a German meeting with its verb last, the 28 points without the word "plan"
        ("Trump würde Putin gerne bald treffen", "Er könne den Krieg gegen die Ukraine beenden.", "putin_meetings"),
        ("Nie zdradzę Ukrainy. Zełenski o 28 trudnych punktach", "Albo trudne 28 punktów Trumpa.", "ceasefire_talks"),
        # round zzt (profile 86): a deadline for peace, US mediation, work on peace, the conflict's
        # end by a date, a temporary administration, guaranteeing security, Trump's "carnage",
        # a Trump-Putin summit in Polish
        ("US sets June deadline for a peace deal between Russia and Ukraine", "", "ceasefire_talks"),
        ("Macron et Starmer font le point sur la médiation américaine", "Zelensky sera à Londres.", "ceasefire_talks"),
        ("Работа над миром в Украине: Зеленский рассказал детали", "", "ceasefire_talks"),
        (
            "Кремль не знает, на чем строятся планы Киева",
            "Речь о завершении конфликта до конца года.",
            "ceasefire_talks",
        ),
        ("Putin proponuje tymczasowy zarząd nad Ukrainą", "", "russian_demands"),
        ("Zelenski se reúne con líderes para garantizar una seguridad real a Ucrania", "", "security_guarantees"),
        ("США працюють над припиненням різанини між Росією та Україною", "Заявив Трамп.", "end_war_pledges"),
        ("Szczyt Donald Trump - Władimir Putin w Budapeszcie się oddala", "", "putin_meetings"),
        # round zzu (profile 87): territories to give up, talks with Trump, settling the Ukraine crisis
        ("Neuer Entwurf: Ukraine soll Gebiete an Russland abtreten", "", "ceasefire_talks"),
        ("Zelensky flies to Washington for talks with Trump", "", "zelensky_meetings"),
        ("Trump à l'ONU : résoudre la crise ukrainienne est plus dur que prévu", "", "ceasefire_talks"),
        # round zzv (profile 88): the US plan, leaving the Donbas, a request not to fire on Kyiv, a
        # meeting with the verb last in German
        ("Zelensky attende la risposta russa al piano Usa", "", "ceasefire_talks"),
        ("Zelensky: non lascerò mai il Donbass", "", "ceasefire_talks"),
        ("Трамп попросил Путина не стрелять по Киеву", "", "truce_announcements"),
        (
            "Trump will Selenskyj in Florida empfangen",
            "Es geht um die Beendigung des Krieges mit Russland.",
            "zelensky_meetings",
        ),
        # round zzw (profile 89): diplomatic means, a request not to attack Kyiv in Spanish's
        # subjunctive, a summit at the White House in Polish
        ("Zelensky veut la fin de la guerre par des moyens diplomatiques", "", "ceasefire_talks"),
        ("Trump le pidió a Putin que no atacara a Kiev durante una semana", "", "truce_announcements"),
        ("Europejska odpowiedź na szczyt w Białym Domu", "Po spotkaniu Trumpa i Zełenskiego.", "zelensky_meetings"),
        # round zzx (profile 90): an obstacle to peace in Russian
        ("Зеленский: Украина никогда не будет препятствием для мира", "Ответ Трампу.", "ceasefire_talks"),
        # round zzy (profile 91): Trump's pledges in the first person, Putin meeting Trump in
        # Polish, the timeline of peace in Russian
        ("Trump: metterò fine alla guerra in Ucraina", "", "end_war_pledges"),
        ("Trump: I will end the war in Ukraine within months", "", "end_war_pledges"),
        (
            "Putin o spotkaniu z Trumpem. ZEA jako możliwa lokalizacja",
            "Uszakow: w przyszłym tygodniu.",
            "putin_meetings",
        ),
        ("Зеленский впервые услышал о сроках мира от Трампа", "", "ceasefire_talks"),
    ],
)
def test_terms_learned_from_the_web_rounds(profile: TopicProfile, title: str, description: str, group: str) -> None:
    rel = score_text(profile, title, None, description)
    assert group in rel.matches
    assert rel.relevant


def test_north_korean_troops_and_bombing_are_the_war_not_the_talks(profile: TopicProfile) -> None:
    # round zzt: the bare troop-deployment terms of the reassurance force took North Korea's
    # troops sent to Russia; a bombing in the headline is a strike report
    troops = score_text(
        profile,
        "La Corée du Nord confirme le déploiement de troupes en Russie",
        None,
        "Pyongyang dit que ses soldats ont aidé Moscou dans la région de Koursk, face à l'armée ukrainienne.",
    )
    assert "north_korean_troops" in troops.matches
    assert not troops.relevant
    force = score_text(
        profile, "Macron n'exclut pas le déploiement de troupes en Ukraine", None, "Après un cessez-le-feu."
    )
    assert "north_korean_troops" not in force.matches
    assert force.relevant
    bombing = score_text(
        profile,
        "Trump o rosyjskim bombardowaniu Kijowa: przestań",
        None,
        "Zaapelował do Putina, by zawarł umowę pokojową.",
    )
    assert "battlefield" in bombing.matches
    assert not bombing.relevant


def test_nuclear_deterrence_forces_and_the_day_of_a_summit(profile: TopicProfile) -> None:
    # round zzu: Russia's "силы сдерживания" are its nuclear forces unless they are Europe's or
    # for Ukraine; a strike "on the day of" a summit has the summit as its setting
    nuclear = score_text(
        profile,
        "Последние новости о военной операции в Украине",
        None,
        "Президент РФ приказал перевести силы сдерживания в особый режим дежурства.",
    )
    assert "reassurance_force" not in nuclear.matches
    assert not nuclear.relevant
    europe = score_text(profile, "Европейские силы сдерживания для Украины", None, "")
    assert "reassurance_force" in europe.matches
    strikes = score_text(
        profile,
        "Зеленський відреагував на удари РФ у день саміту Путіна і Трампа",
        None,
        "Удари по Україні у день зустрічі Трампа і Путіна.",
    )
    assert "background" in strikes.matches["putin_meetings"]["discounted"]
    assert not strikes.relevant


def test_greenland_is_another_story_and_na_foni_is_a_cue(profile: TopicProfile) -> None:
    # round zzv: a US plan for Greenland is not the US plan for Ukraine; "на фоні" is a setting
    greenland = score_text(profile, "Plan USA na przejęcie kontroli nad Grenlandią. Rosyjski patent", None, "")
    assert "other_conflicts" in greenland.matches
    assert not greenland.relevant
    blasts = score_text(
        profile,
        "У Києві на фоні «перемир’я» пролунала низка вибухів",
        None,
        "Після телефонної розмови Трампа та Путіна у Києві пролунали вибухи.",
    )
    assert "background" in blasts.matches["ceasefire_talks"]["discounted"]
    assert not blasts.relevant


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Rusia ataca a Ucrania con un misil y 111 drones tras el anuncio de una tregua energética", ""),
        ("Ripresi i bombardamenti russi sull'Ucraina dopo la tregua di tre giorni", ""),
        ("Россия и Украина обменялись ударами после разговора Трампа и Путина", ""),
        ("Rusia lanzó más de 500 ataques contra Ucrania, después de la cumbre Trump-Putin", ""),
        # round zzx: a capture before the talks, in German ("vor" beside a strike word)
        ("Putin verkündet Einnahme von Pokrowsk vor Treffen mit Witkoff", "Die Stadt im Osten der Ukraine."),
    ],
)
def test_a_strike_after_the_talks_has_them_as_its_setting(profile: TopicProfile, title: str, description: str) -> None:
    # round zzw: "after" marks the talks as the setting in a headline that names a strike
    rel = score_text(profile, title, None, description)
    assert any("background" in m.get("discounted", {}) for m in rel.matches.values())
    assert not rel.relevant


@pytest.mark.parametrize(
    "title",
    [
        "Zelensky after talks with Trump: security guarantees are agreed",
        "Selenskyj nach dem Treffen mit Trump: Waffenruhe in Reichweite",
        "Зеленський після зустрічі з Трампом: мирний план майже готовий",
    ],
)
def test_after_the_talks_with_no_other_news_they_stay_the_subject(profile: TopicProfile, title: str) -> None:
    rel = score_text(profile, title, None, "")
    assert not any("background" in m.get("discounted", {}) for m in rel.matches.values())
    assert rel.relevant


def test_fighting_in_a_headline_makes_the_talks_in_its_summary_the_setting(profile: TopicProfile) -> None:
    # round zzx: a live digest headed by fighting in Kursk, with Starmer's call for talks below
    rel = score_text(
        profile,
        "Krieg gegen die Ukraine ++ Weiter Kämpfe im Gebiet Kursk ++",
        None,
        "Im Gebiet Kursk wird gekämpft. Starmer will Russland in Verhandlungen über einen Frieden zwingen.",
    )
    assert "battlefield" in rel.matches
    assert not rel.relevant


def test_setting_cues_are_read_in_headlines_and_summaries_not_in_a_body(profile: TopicProfile) -> None:
    body = (
        "Russian drones attacked Kyiv overnight. After the peace talks in Geneva, the delegations "
        "agreed on the security guarantees for Ukraine and on a ceasefire along the front line."
    )
    rel = score_text(profile, "Ukraine and Russia: what the delegations agreed", body, None)
    assert "background" not in rel.matches["ceasefire_talks"].get("discounted", {})
    assert rel.relevant


def test_the_iran_war_in_a_headline_is_another_war(profile: TopicProfile) -> None:
    # round zzw: Trump and Putin on the phone about the war on Iran
    iran = score_text(
        profile,
        "Roundup: Trump und Putin haben über Iran-Krieg gesprochen",
        None,
        "Das Telefonat mit dem Kreml habe eine Stunde gedauert.",
    )
    assert "iran_war" in iran.matches
    assert not iran.relevant
    # in a summary it is why the talks were put off: not looked for there
    talks = score_text(
        profile,
        "Ukraine talks in Abu Dhabi postponed",
        None,
        "The trilateral round between Russia, Ukraine and the US waits because of the war on Iran.",
    )
    assert "iran_war" not in talks.matches
    assert talks.relevant


def test_talking_to_russia_is_the_subject_of_a_summary_that_names_it(profile: TopicProfile) -> None:
    # bare peace talks or a ceasefire named only in the summary, under a headline that names
    # another kind of news (sanctions), are its setting; talking to Russia or Putin is the story
    headline = "Macron's appeal on Russia sanctions to his European colleagues"
    summary = "He proposes to resume {} and to take part in the talks on ending the war in Ukraine."
    talks = score_text(profile, headline, None, summary.format("the dialogue with Russia"))
    assert "discounted" not in talks.matches["talks_with_russia"]
    assert talks.relevant
    setting = score_text(profile, headline, None, summary.format("a common line on the ceasefire"))
    assert setting.matches["ceasefire_talks"]["discounted"] == {"off_topic_headline": ["ceasefire"]}
    assert not setting.relevant


def test_a_sanctions_package_in_the_headline_is_not_the_talks(profile: TopicProfile) -> None:
    rel = score_text(
        profile,
        "EU speeds up its sanctions package against Russia to press it in the peace talks",
        None,
        "Brussels sees Moscow as the main obstacle to a peace agreement on Ukraine.",
    )
    assert "sanctions_news" in rel.matches
    assert not rel.relevant
    # named in the summary only, the package does not count against the talks
    talks = score_text(
        profile, "Peace talks on Ukraine resume in Geneva", None, "The EU prepares a new sanctions package."
    )
    assert "sanctions_news" not in talks.matches
    assert talks.relevant


def test_a_strike_in_the_middle_of_the_talks_is_the_war(profile: TopicProfile) -> None:
    rel = score_text(profile, "Mitten in Friedensgesprächen: Russland greift Kyjiw mit Drohnen an", None)
    assert rel.matches["ceasefire_talks"]["discounted"] == {"background": ["friedensgesprächen"]}
    assert not rel.relevant


def test_a_gap_word_spans_a_few_words_of_one_sentence(profile: TopicProfile) -> None:
    # "pause ... energy": up to five words between, never across a sentence end
    near = score_text(profile, "Putin agrees to a pause on attacks on Ukraine's energy grid after Trump call", None)
    assert near.matches["truce_announcements"] == {"title": ["pause on attacks on ukraine's energy"]}
    assert near.relevant
    # "attacks" inside the truce term is the truce, not a strike report
    assert "battlefield" not in near.matches
    far = score_text(profile, "Kyiv asks for a pause. Russian drones hit the energy grid of Ukraine", None)
    assert "truce_announcements" not in far.matches
    assert "battlefield" in far.matches
    too_far = score_text(profile, "A pause in the talks while the war on Ukraine's energy goes on", None)
    assert "truce_announcements" not in too_far.matches
    # each place of the energy-truce term takes alternatives ("pause|halt*|stop*|..."), and the
    # strike word is one of them: stopping Russian energy imports is not a truce
    halt = score_text(profile, "Russia and Ukraine will halt strikes on energy infrastructure", None)
    assert halt.matches["truce_announcements"] == {"title": ["halt strikes on energy"]}
    imports = score_text(profile, "Ukraine asks the EU to stop buying Russian energy", None)
    assert "truce_announcements" not in imports.matches
    clause = score_text(profile, "Ukraine to halt Russian gas transit, energy ministry says", None)
    assert "truce_announcements" not in clause.matches


def test_quotation_marks_do_not_break_a_phrase(profile: TopicProfile) -> None:
    quoted = score_text(profile, "Трамп пообещал «продолжительный разговор» с Путиным", None, "Речь об Украине.")
    assert quoted.matches["putin_meetings"] == {"title": ["разговор  с путиным"]}
    german = score_text(profile, "Ukraine-Krieg „einfrieren“? Streit um die Äußerung", None)
    assert german.matches["ceasefire_talks"] == {"title": ["krieg  einfrieren"]}
    assert german.relevant


def test_a_trump_zelensky_meeting_is_a_summit(profile: TopicProfile) -> None:
    meeting = score_text(profile, "Trump will meet Zelensky in Florida on Sunday", None)
    assert meeting.matches["zelensky_meetings"] == {"title": ["meet zelensky"]}
    assert meeting.tags == ("summits-declarations",)
    # another leader meeting Zelensky is not the story's summit
    other = score_text(profile, "Modi will meet Zelensky in New Delhi", None)
    assert "zelensky_meetings" not in other.matches


def test_a_poll_in_the_headline_or_summary_outweighs_the_terms_it_names(profile: TopicProfile) -> None:
    concessions = score_text(
        profile,
        "Mehr Ukrainer für territoriale Zugeständnisse, Kriegsmüdigkeit wächst",
        None,
        "Immer mehr Ukrainer sind bereit, territoriale Zugeständnisse zu machen, zeigen Umfragen des KIIS.",
    )
    assert "opinion_polls" in concessions.matches
    assert not concessions.relevant
    poll = score_text(profile, "Poll: a third of Ukrainians open to territorial concessions for peace", None)
    assert "opinion_polls" in poll.matches
    assert not poll.relevant
    # an article on the talks may cite a poll in its body: only the headline and summary count
    body = (
        "The coalition of the willing met in Paris on security guarantees for Ukraine. " * 3 + "A poll shows support."
    )
    talks = score_text(profile, "Coalition of the willing agrees on security guarantees for Ukraine", body)
    assert "opinion_polls" not in talks.matches
    assert talks.relevant


def test_a_context_group_only_serves_the_groups_that_require_it(profile: TopicProfile) -> None:
    # Trump named alone adds nothing and gives no tag; his meeting with Putin is the summit
    alone = score_text(profile, "Trump says Ukraine must decide", None)
    assert "trump" in alone.matches
    assert alone.score == score_text(profile, "Biden says Ukraine must decide", None).score
    summit = score_text(profile, "Trump flies to Alaska, where he will meet Putin", None)
    assert "putin_meetings" in summit.matches
    assert summit.relevant
    assert summit.tags == ("summits-declarations",)
    # another leader meeting Putin is not the story's summit
    other = score_text(profile, "Modi will meet Putin in New Delhi", None)
    assert "putin_meetings" not in other.matches
    assert not other.relevant


def _mini_profile(requires: list[Any]) -> TopicProfile:
    return TopicProfile.model_validate(
        {
            "id": "mini",
            "version": 1,
            "name": "mini",
            "threshold": 2.0,
            "groups": [
                {"id": "ukraine", "anchor": True, "terms": {"en": ["Ukraine"]}},
                {"id": "russia", "context": True, "terms": {"en": ["Russia"]}},
                {"id": "usa", "context": True, "terms": {"en": ["US"]}},
                {"id": "talks", "weight": 2.0, "requires": requires, "terms": {"en": ["talks"]}},
            ],
        }
    )


def test_an_any_of_requirement_is_met_by_one_of_its_groups() -> None:
    any_of = _mini_profile(["ukraine", ["russia", "usa"]])
    assert score_text(any_of, "Ukraine and Russia hold talks", None).relevant
    assert score_text(any_of, "Ukraine and the US hold talks", None).relevant
    assert not score_text(any_of, "Ukraine and the EU hold talks", None).relevant
    both = _mini_profile(["ukraine", "russia", "usa"])
    assert not score_text(both, "Ukraine and Russia hold talks", None).relevant
    assert score_text(both, "Ukraine, Russia and the US hold talks", None).relevant


def test_a_number_word_matches_any_number(profile: TopicProfile) -> None:
    for title in ("Ukraine weighs the 28-point plan", "Ukraine answers with a 20 point plan"):
        rel = score_text(profile, title, None)
        assert rel.relevant, title
    de = score_text(profile, "Kritik am 28-Punkte-Plan für die Ukraine", None)
    assert de.matches["ceasefire_talks"]["title"] == ["28-punkte-plan"]
    # "#" is a number, never a word: no match without one
    assert "ceasefire_talks" not in score_text(profile, "Ukraine's point plan for schools", None).matches


def test_number_terms_stay_out_of_search_queries(profile: TopicProfile) -> None:
    from newsmon.config import _plain_terms

    terms = _plain_terms(profile, ["ceasefire_talks"], "en")
    assert "peace treaty" in terms
    assert not [t for t in terms if "#" in t]


def test_a_hyphenated_term_allows_spaces_and_dashes(profile: TopicProfile) -> None:
    for title in ("Szczyt Putin - Trump na Alasce", "Szczyt Putin–Trump na Alasce", "Szczyt Putin-Trump na Alasce"):
        assert "summits" in score_text(profile, title, None).matches, title


def test_demining_alone_is_wartime_mine_clearance(profile: TopicProfile) -> None:
    wartime = score_text(
        profile,
        "Three Black Sea states sign a demining deal",
        None,
        "Ships will clear mines laid since Russia invaded Ukraine.",
    )
    assert "naval_demining" in wartime.matches
    assert not wartime.relevant
    guarantee = score_text(
        profile, "Coalition of the willing plans Black Sea demining after a ceasefire in Ukraine", None
    )
    assert guarantee.relevant
    assert "naval-demining" in guarantee.tags


def test_unless_names_topic_groups_only(tmp_path: Path) -> None:
    data = yaml.safe_load(TOPIC.read_text(encoding="utf-8"))
    polls = next(g for g in data["groups"] if g["id"] == "opinion_polls")
    path = tmp_path / "topic.yaml"
    for bad in (["ukraine"], ["nosuchgroup"], ["market_news"]):  # an anchor, unknown, a negative group
        polls["unless"] = bad
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        with pytest.raises(ConfigError, match="unless names no topic group"):
            load_topic(path)


def test_a_poll_on_soldiers_for_a_peace_force_is_a_reaction_to_the_force(profile: TopicProfile) -> None:
    """Rounds zk and zv: the labellers call a poll on sending soldiers to a peace force core,
    while polls on when or how the war ends stay related (``opinion_polls`` ``unless``)."""
    force = score_text(
        profile,
        "Poll: most Germans oppose sending soldiers to a peacekeeping force in Ukraine",
        None,
        "A survey asked whether the Bundeswehr should join a force to secure a ceasefire.",
    )
    assert force.relevant
    assert force.matches["opinion_polls"]["discounted"] == {"unless": ["reassurance_force"]}
    end = score_text(
        profile,
        "Poll: most Ukrainians reject territorial concessions for a ceasefire",
        None,
        "KIIS asked when and how the war with Russia should end.",
    )
    assert "discounted" not in end.matches["opinion_polls"] and not end.relevant


@pytest.mark.parametrize(
    ("group", "change", "message"),
    [
        (0, {"negative": True}, "negative group cannot be an anchor"),  # the anchor group
        (2, {"requires": ["nosuchgroup"]}, "requires unknown"),  # a topic group, from here on
        (2, {"supporting": True, "anchor": True}, "supporting group cannot be an anchor"),
        (2, {"fields": []}, "name at least one field"),
        (2, {"requires": ["ukraine", []]}, "any-of list names at least one group"),
        (2, {"requires": ["ukraine", ["russia", "nosuchgroup"]]}, "requires unknown"),
        (2, {"context": True}, "context group cannot be"),  # it carries a tag
        (2, {"off_story": True}, "off-story group cannot be"),  # it carries a tag
        (0, {"off_story": True}, "off-story group cannot be"),  # an anchor
        (None, {"title_sides": ["ukraine", "ceasefire_talks"]}, "title_sides: not anchor"),  # the profile
        (2, {"terms": {"en": ["... guarantees"]}}, "'...' stands between two words"),
        (2, {"terms": {"en": ["security ..."]}}, "'...' stands between two words"),
        (2, {"terms": {"en": ["security ... ... guarantees"]}}, "'...' stands between two words"),
        (2, {"terms": {"en": ["security guarantee|"]}}, "each '|' alternative is a word"),
        (2, {"unless": ["reassurance_force"]}, "only a negative group"),  # a topic group
    ],
)
def test_profile_rejects_bad_group_options(
    tmp_path: Path, group: int | None, change: dict[str, Any], message: str
) -> None:
    data = yaml.safe_load(TOPIC.read_text(encoding="utf-8"))
    (data if group is None else data["groups"][group]).update(change)
    path = tmp_path / "topic.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_topic(path)


# -- the measured dev set ------------------------------------------------------------------------


def test_dev_set_is_well_formed() -> None:
    items = load_dev_set()
    assert len(items) >= 300
    labels = Counter(i.label for i in items)
    assert set(labels) == {"core", "related", "other"}
    assert {i.language for i in items} >= {"en", "pl", "de"}
    for split in ("tune", "heldout"):
        core = Counter(i.language for i in items if i.split == split and i.label == "core")
        assert set(core) >= {"en", "pl", "de"}, (split, core)
    raw = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in raw:
        assert {"id", "feed", "language", "title", "description", "link", "label"} <= set(row)
        assert "<a href" not in row["description"]
    # the split is by feed day: no day is in both parts
    days = {split: {r["feed_day"] for r in raw if r["split"] == split} for split in ("tune", "heldout")}
    assert not days["tune"] & days["heldout"]


def test_dev_set_loader_rejects_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    good = {"id": "a", "split": "tune", "language": "en", "title": "t", "description": "", "label": "core"}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "id": "b", "label": "maybe"}) + "\n")
    with pytest.raises(ValueError, match=r"dev.jsonl:2: label 'maybe'"):
        load_dev_set(path)
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    with pytest.raises(ValueError, match="duplicate id 'a'"):
        load_dev_set(path)


def test_counts_precision_recall() -> None:
    c = Counts(tp=9, fp=1, fn=3, tn=100)
    assert c.precision == pytest.approx(0.9)
    assert c.recall == pytest.approx(0.75)
    assert c.to_json()["core"] == 12


# (precision, recall) floors a little below what profile version 3 measured on the held-out
# days: all 0.864 / 0.950, en 0.818 / 1.000, pl 0.900 / 1.000, de 1.000 / 0.500 (2 core items).
# (Version 2: all 0.826 / 0.950, en 0.750 / 1.000.)
HELDOUT_FLOORS = {
    "all": (0.85, 0.90),
    "en": (0.80, 0.85),
    "pl": (0.85, 0.85),
    "de": (0.90, 0.50),
}


def test_relevance_on_the_held_out_days(profile: TopicProfile) -> None:
    result = evaluate(profile, load_dev_set())
    held = result["heldout"]
    for lang, (precision, recall) in HELDOUT_FLOORS.items():
        assert held[lang].precision >= precision, (lang, held[lang].to_json())
        assert held[lang].recall >= recall, (lang, held[lang].to_json())
    assert result["tune"]["all"].recall >= 0.85


def test_fresh_set_is_well_formed() -> None:
    items = load_dev_set(FRESH_SET)
    assert len(items) >= 400
    assert {i.split for i in items} == {"fresh"}
    assert all(i.id.startswith("gn-") for i in items)
    dev_titles = {i.title.casefold() for i in load_dev_set()}
    assert not {i.title.casefold() for i in items} & dev_titles  # never an item of dev.jsonl


def test_few_false_positives_on_the_blind_fresh_headlines(profile: TopicProfile) -> None:
    """403 other outlets' headlines (5 core, 44 related, 354 other: Trump, Venezuela, Iran,
    Greenland, Russia...), never tuned on: versions 2 and 3 judge 1 of the 398 non-core relevant."""
    counts = evaluate(profile, load_dev_set(FRESH_SET), titles_only=True)["fresh"]["all"]
    assert counts.fp <= 3, counts.to_json()
    assert counts.tp >= 1, counts.to_json()


def test_web_labels_are_well_formed() -> None:
    text = (DEV_SET.parent / "web_labels.jsonl").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) >= 1200
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["url"] for r in rows}) == len(rows)
    assert {r["round"] for r in rows} == set("abcdefghijklmnopqrstuvwxyz") | {
        "z" + c for c in "abcdefghijklmnopqrstuvwxyz"
    } | {
        "zza",
        "zzb",
        "zzc",
        "zzd",
        "zze",
        "zzf",
        "zzg",
        "zzh",
        "zzi",
        "zzj",
        "zzk",
        "zzl",
        "zzm",
        "zzn",
        "zzo",
        "zzp",
        "zzq",
        "zzr",
        "zzs",
        "zzt",
        "zzu",
        "zzv",
        "zzw",
        "zzx",
        "zzy",
        "zzz",
        "ya",
        "yb",
        "yc",
        "yd",
        "ye",
        "yf",
        "yg",
        "yh",
        "yi",
        "yj",
        "yk",
        "yl",
        "ym",
        "yn",
        "yo",
        "yp",
        "yq",
        "yr",
        "ys",
        "yt",
        "yu",
        "yv",
        "yw",
        "yx",
        "yy",
        "yz",
        "xa",
    }
    # from round zp on, each label carries the blind decision of the profile that scored its round
    # once before it was tuned on: the pooled blind numbers of LABELLING.md, recomputed
    blind = [r for r in rows if "blind" in r]
    assert {r["round"] for r in blind} >= {"zp", "zq", "zr", "zs", "zt", "zu"}
    assert all(isinstance(r["blind"]["relevant"], bool) for r in blind)
    assert all(r["blind"]["profile"].startswith("ukraine-security-guarantees@") for r in blind)
    session = [r for r in blind if r["round"] in {"zp", "zq", "zr", "zs", "zt", "zu"}]
    tp = sum(r["label"] == "core" and r["blind"]["relevant"] for r in session)
    fp = sum(r["label"] != "core" and r["blind"]["relevant"] for r in session)
    fn = sum(r["label"] == "core" and not r["blind"]["relevant"] for r in session)
    assert (len(session), tp, fp, fn) == (1598, 599, 47, 87)
    # the rounds of profiles 109-112, each recorded with its blind decisions before it was read
    for round_id, counts in {
        "yw": (292, 83, 8, 17),
        "yx": (317, 73, 8, 19),
        "yy": (307, 79, 20, 21),
        "yz": (239, 63, 11, 12),
        "xa": (265, 63, 10, 8),
    }.items():
        one = [r for r in blind if r["round"] == round_id]
        assert (
            len(one),
            sum(r["label"] == "core" and r["blind"]["relevant"] for r in one),
            sum(r["label"] != "core" and r["blind"]["relevant"] for r in one),
            sum(r["label"] == "core" and not r["blind"]["relevant"] for r in one),
        ) == counts, round_id
    # round g was split in two halves, stratified by language and label: tuned on one, scored
    # blind on the other
    halves = Counter((r["split"], r["language"], r["label"]) for r in rows if r["round"] == "g")
    assert {split for split, _, _ in halves} == {"tune", "blind"}
    for (_, lang, label), n in halves.items():
        assert abs(n - halves[("blind" if _ == "tune" else "tune", lang, label)]) <= 1, (lang, label)
    assert {r["language"] for r in rows} == {
        *("en", "fr", "de", "uk", "ru", "pl", "it", "es"),
        *("nl", "pt", "ro", "cs", "sv", "tr", "da", "no", "fi", "sk"),
    }
    assert {r["label"] for r in rows} == {"core", "related", "other"}
    assert all(r["url"].startswith(("http://", "https://")) for r in rows)
    # a label's publication date, when its labeller read one (from round zzm on)
    assert all(re.fullmatch(r"20\d\d-\d\d-\d\d", r["date"]) for r in rows if "date" in r)
    # every language has core items and hard negatives
    per_language = Counter((r["language"], r["label"]) for r in rows)
    first_eight = {"en", "fr", "de", "uk", "ru", "pl", "it", "es"}
    assert all(per_language[(lang, label)] >= 15 for lang, label in per_language if lang in first_eight)
    # the stored pages hold few Swedish and Danish news pages (rounds yr, yt)
    assert all(n >= 8 for n in per_language.values())


def test_relevance_eval_command() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "newsmon.relevance_eval", "--json"], capture_output=True, text=True, check=True
    )
    data = json.loads(proc.stdout)
    assert set(data) == {"tune", "heldout", "fresh"}
    assert {"en", "pl", "de", "all"} <= set(data["heldout"])
    assert 0.0 <= data["heldout"]["all"]["precision"] <= 1.0


# -- newsmon score ------------------------------------------------------------------------------


def _score_cli(lines: list[str], *args: str) -> tuple[int, list[dict[str, Any]]]:
    proc = subprocess.run(
        [sys.executable, "-m", "newsmon.cli", "score", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()]


def test_score_cli_one_line_per_input_in_order() -> None:
    lines = [
        json.dumps({"id": "a", "title": "Koalicja chętnych uzgodniła gwarancje bezpieczeństwa dla Ukrainy"}),
        "{not json",
        json.dumps({"id": 7, "title": "Weihnachtsmarkt zieht Bilanz", "description": "Mehr Besucher als 2024"}),
        json.dumps({"id": "c", "title": 5}),
        json.dumps(["a list"]),
        json.dumps({"id": "d"}),
        json.dumps(
            {
                "id": "e",
                "title": "Zelensky in Paris",
                "text": "Ukraine's allies agreed on a reassurance force and air patrols after a ceasefire.",
                "language": "en",
            }
        ),
        json.dumps({"id": "f", "title": "Ukraine", "language": "english"}),
    ]
    rc, out = _score_cli(lines)
    assert rc == 0
    assert len(out) == len(lines)
    assert [o.get("id") for o in out] == ["a", None, 7, "c", None, "d", "e", "f"]
    first = out[0]
    assert first["relevant"] is True and isinstance(first["score"], float)
    assert set(first["tags"]) >= {"security-guarantees", "coalition-of-the-willing"}
    assert first["matches"]["coalition_of_the_willing"] == {"title": ["koalicja chętnych"]}
    assert "invalid JSON" in out[1]["error"] and out[1]["line"] == 2
    assert out[2]["relevant"] is False and out[2]["tags"] == []
    assert "'title' must be a string" in out[3]["error"]
    assert "JSON object" in out[4]["error"]
    assert "no 'title', 'text' or 'description'" in out[5]["error"]
    assert out[6]["relevant"] is True
    assert {"reassurance-force", "air-policing", "ceasefire-negotiations"} <= set(out[6]["tags"])
    assert out[6]["matches"]["air_policing"] == {"text": ["air patrols"]}
    assert "ISO 639-1" in out[7]["error"]


def test_score_cli_bad_profile(tmp_path: Path) -> None:
    bad = tmp_path / "topic.yaml"
    bad.write_text("id: x\nversion: 0\n", encoding="utf-8")
    rc, out = _score_cli([json.dumps({"title": "x"})], "--topic", str(bad))
    assert rc == 2
    assert out == []


# -- newsmon rescore ------------------------------------------------------------------------------

ARTICLES = {
    "https://a.example/guarantees": (
        "Coalition of the willing agrees security guarantees for Ukraine",
        "Leaders of the coalition of the willing met in Paris. Ukraine welcomed the security guarantees, "
        "which include air patrols and a naval demining mission.",
    ),
    "https://a.example/market": (
        "Christmas market closes with record crowds",
        "The Christmas market closed on Sunday with record crowds and fewer complaints than last year.",
    ),
}


def _store_articles(factory: Any, topic_version: str) -> dict[str, int]:
    source = {
        "id": "src-a",
        "name": "Source A",
        "languages": ["en"],
        "feeds": [{"url": "https://a.example/rss.xml"}],
    }
    from newsmon.config import SourceConfig

    ids = {}
    with session_scope(factory) as session:
        repo.sync_sources(session, [SourceConfig.model_validate(source)])
    for url, (title, body) in ARTICLES.items():
        with session_scope(factory) as session:
            repo.upsert_links(
                session,
                "src-a",
                [
                    repo.DiscoveredLink(
                        url=url, found_url=url, discovered_via="feed", discovered_from=source["feeds"][0]["url"]
                    )
                ],
            )
            link_id = session.scalar(select(Link.id).where(Link.url == url))
            assert link_id is not None
            raw_id, _ = repo.save_raw_page(
                session,
                link_id=link_id,
                source_id="src-a",
                url=url,
                final_url=url,
                status_code=200,
                headers={"content-type": "text/html"},
                body=body.encode(),
            )
            stored = repo.store_article(
                session,
                link_id=link_id,
                raw_page_id=raw_id,
                source_id="src-a",
                values={
                    "url": url,
                    "canonical_url": url,
                    "title": title,
                    "text": body,
                    "text_hash": text_hash(body),
                    "published_at": datetime(2026, 1, 6, 12, tzinfo=UTC),
                    "language": "en",
                    "word_count": len(body.split()),
                    "relevance_score": 0.0,
                    "relevant": False,
                    "tags": [],
                    "relevance_evidence": {},
                    "topic_version": topic_version,
                },
            )
            ids[url] = stored.article_id
    return ids


def _rows(factory: Any) -> dict[int, tuple[int, bool, str | None, list[str]]]:
    with session_scope(factory) as session:
        return {a.id: (a.seq, a.relevant, a.topic_version, list(a.tags)) for a in session.scalars(select(Article))}


def test_rescore_only_rows_of_other_versions(db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from newsmon.pipeline import rescore_articles

    engine = create_engine_from_url(db_url)
    factory = make_session_factory(engine)
    try:
        ids = _store_articles(factory, "ukraine-security-guarantees@1")
        monkeypatch.setenv("NEWSMON_DATABASE_URL", db_url)
        monkeypatch.setenv("NEWSMON_TOPIC_FILE", str(TOPIC))
        current = load_topic(TOPIC)
        version = f"{current.id}@{current.version}"
        before = _rows(factory)

        result = rescore_articles(batch_size=1)  # several batches: keyset pagination
        assert result == {"topic_version": version, "examined": 2, "changed": 2, "unchanged": 0, "relevant": 1}
        after = _rows(factory)
        guarantees, market = ids["https://a.example/guarantees"], ids["https://a.example/market"]
        assert after[guarantees][1:3] == (True, version)
        assert {"coalition-of-the-willing", "security-guarantees", "air-policing", "naval-demining"} <= set(
            after[guarantees][3]
        )
        assert after[market][1:3] == (False, version)
        seqs = sorted(s for s, *_ in after.values())
        assert min(seqs) > max(s for s, *_ in before.values())  # each changed row took a new seq
        with session_scope(factory) as session:
            evidence = session.get(Article, guarantees)
            assert evidence is not None
            assert evidence.relevance_evidence["coalition_of_the_willing"]["title"] == ["coalition of the willing"]

        # idempotent: the same profile again changes nothing
        assert rescore_articles()["examined"] == 0
        assert rescore_articles(all_articles=True) == {
            "topic_version": version,
            "examined": 2,
            "changed": 0,
            "unchanged": 2,
            "relevant": 1,
        }
        assert _rows(factory) == after

        # a new profile version (raised threshold): every row is re-scored, changed ones move
        data = yaml.safe_load(TOPIC.read_text(encoding="utf-8"))
        data["version"] = current.version + 1
        data["threshold"] = 1000.0
        bumped = tmp_path / "topic.yaml"
        bumped.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("NEWSMON_TOPIC_FILE", str(bumped))
        result = rescore_articles()
        assert result["examined"] == 2 and result["changed"] == 2 and result["relevant"] == 0
        final = _rows(factory)
        assert final[guarantees][1:] == (False, f"{current.id}@{current.version + 1}", [])
        assert final[guarantees][0] > after[guarantees][0]
    finally:
        engine.dispose()


def test_rescore_cli(db_url: str, tmp_path: Path) -> None:
    engine = create_engine_from_url(db_url)
    factory = make_session_factory(engine)
    try:
        _store_articles(factory, "old@1")
    finally:
        engine.dispose()
    env = {**__import__("os").environ, "NEWSMON_DATABASE_URL": db_url, "NEWSMON_TOPIC_FILE": str(TOPIC)}
    run = [sys.executable, "-m", "newsmon.cli", "rescore"]
    first = json.loads(subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout)
    assert (first["examined"], first["changed"], first["relevant"]) == (2, 2, 1)
    again = json.loads(subprocess.run(run, env=env, capture_output=True, text=True, check=True).stdout)
    assert again["examined"] == 0


def test_generic_talk_in_a_summary_under_an_off_topic_headline_is_background(profile: TopicProfile) -> None:
    evacuation = score_text(
        profile,
        "Urgent evacuation in Ukraine: 40 villages to be cleared",
        None,
        "Authorities in Kyiv ordered the evacuation as peace talks continue.",
    )
    assert not evacuation.relevant
    assert "off_topic_headline" in evacuation.matches["ceasefire_talks"]["discounted"]
    # the same summary under a headline that names the talks: counted in full
    talks = score_text(
        profile, "Ukraine peace talks resume in Geneva", None, "Negotiators in Kyiv prepare the ceasefire terms."
    )
    assert talks.relevant and "discounted" not in talks.matches["ceasefire_talks"]
    # a specific sub-topic in the summary still makes the item: the headline need not name it
    coalition = score_text(
        profile,
        "Macron announces 'concrete commitments'",
        None,
        "At the coalition of the willing meeting in Paris, allies will commit to defend Ukraine.",
    )
    assert coalition.relevant


def test_a_generic_word_in_the_headline_does_not_put_it_on_topic(profile: TopicProfile) -> None:
    # "peace" alone is a weak signal: the headline is about the budget, the talks are its setting
    budget = score_text(
        profile,
        "Peace or pensions first? Kyiv's budget fight",
        None,
        "Ukraine's parliament argues over spending while territorial concessions are discussed.",
    )
    assert not budget.relevant
    # the setting twice over: under a headline about the budget, and after "while" (version 83)
    assert budget.matches["ceasefire_talks"]["discounted"].keys() & {"off_topic_headline", "background"}
    poll = score_text(
        profile,
        "Territory for peace? What Ukrainians think",
        None,
        "Most of Kyiv's residents reject territorial concessions, a new survey shows.",
    )
    assert not poll.relevant
    assert "opinion_polls" in poll.matches


def test_a_vague_headline_leaves_the_summary_to_say_what_the_item_is_about(profile: TopicProfile) -> None:
    """A headline naming neither the story nor another one (a quote, a prisoner swap) does not
    make the talks in its summary a setting; a headline naming another kind of news (a
    corruption raid, a resignation, sanctions: the `other_news` group) does (round s: 7 more of
    136 core items found, 1 more false positive; no change on the feed dev set)."""
    summary = "Ukraine's president said the peace talks resume next week."
    vague = score_text(profile, "Zelensky: 'We have a real chance'", None, summary)
    assert vague.relevant
    assert "discounted" not in vague.matches["ceasefire_talks"]
    for headline in (
        "Zelensky's chief of staff resigns after corruption raid",
        "Anticorrupción registra la oficina del jefe de gabinete de Zelenski",
        "Zełenski: nowe sankcje to za mało",
    ):
        other = score_text(profile, headline, None, summary)
        assert "other_news" in other.matches, headline
        assert "off_topic_headline" in other.matches["ceasefire_talks"]["discounted"], headline
        assert not other.relevant, headline
    # the off-story group adds nothing and gives no tag: a headline on the talks stays on them
    on_topic = score_text(profile, "Sanctions relief on the table as Ukraine peace talks resume", None, summary)
    assert on_topic.relevant and on_topic.tags == ("ceasefire-negotiations",)
    assert on_topic.score == score_text(profile, "Ukraine peace talks resume", None, summary).score


def test_a_headline_naming_both_sides_makes_the_talks_in_its_summary_its_subject(profile: TopicProfile) -> None:
    summary = "It was agreed in Istanbul on Friday at the first peace talks since 2022."
    swap = score_text(profile, "Russia and Ukraine agree on the largest prisoner exchange", None, summary)
    assert swap.relevant
    assert "discounted" not in swap.matches["ceasefire_talks"]
    # one side only and another kind of news: the talks are the setting of that story
    one_side = score_text(profile, "Court frees 300 prisoners of war in Ukraine", None, summary)
    assert "off_topic_headline" in one_side.matches["ceasefire_talks"]["discounted"]
    assert not one_side.relevant
    # both sides and a strike: the headline is the war
    strike = score_text(profile, "Russia strikes Ukraine's grid with 400 drones", None, summary)
    assert "off_topic_headline" in strike.matches["ceasefire_talks"]["discounted"]
    assert not strike.relevant
    # both sides and another kind of news (tariffs, an off-story group): the headline is the
    # tariffs, used as leverage (round zi, profile 41)
    tariffs = score_text(
        profile,
        "Trump amenaza a Putin con aranceles del 100% si no hay acuerdo sobre Ucrania",
        None,
        "Washington. El presidente amenazó al presidente ruso con aranceles si no se logra un acuerdo de paz.",
    )
    assert "off_topic_headline" in tariffs.matches["ceasefire_talks"]["discounted"]
    assert not tariffs.relevant


def test_a_headline_about_talks_is_on_topic_even_where_bare_talks_do_not_count(profile: TopicProfile) -> None:
    # bare "talks" need Russia named: they do not count here, but they put the headline on the
    # talks, so the summary's "peace plan" is its subject
    rel = score_text(
        profile,
        "Zelensky announces significant achievements after talks with Trump",
        None,
        "Most of the 20 points of the peace plan are agreed, the issue of Donbas remains complex.",
    )
    assert "direct_talks" not in rel.matches
    assert "discounted" not in rel.matches["ceasefire_talks"]
    assert rel.relevant


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Scholz and Macron bet on mediation", "Both want to revive the Normandy format with Russia and Ukraine."),
        ("Kremlin sets its conditions", "The Normandy Four summit on Donbas depends on troop pull-backs in Ukraine."),
        (
            "Ukraina. Zełenski: przygotowujemy mapę drogową",
            "Najbliższe działania to spotkanie w formacie normandzkim, mówi prezydent Ukrainy.",
        ),
        (
            "Kremlin keeps everyone guessing",
            "Russia will not say when the energy strike moratorium with Ukraine ends, a US-brokered deal.",
        ),
    ],
)
def test_the_storys_own_formats_in_a_summary_are_its_subject(
    profile: TopicProfile, title: str, description: str
) -> None:
    rel = score_text(profile, title, None, description)
    group = "talk_formats" if "moratorium" not in description else "truce_announcements"
    assert group in rel.matches and "discounted" not in rel.matches[group], rel.matches


def _web_rounds() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "web_rounds", ROOT / "eval" / "relevance" / "rounds" / "web_rounds.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_web_round_tooling_merges_new_urls_and_records_labels_only(tmp_path: Path) -> None:
    rounds = _web_rounds()
    labels = tmp_path / "web_labels.jsonl"
    labels.write_text(
        json.dumps(
            {"id": "web-en-001", "round": "a", "language": "en", "label": "core", "url": "https://news.example/a/"}
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()

    def item(n: int, url: str, label: str = "core", date: str = "") -> str:
        row = {"id": f"k-en-{n:03d}", "round": "k", "language": "en", "title": f"Title {n}"}
        row |= {"description": "Lead.", "url": url, "date": date, "label": label}
        return json.dumps(row) + "\n"

    (out / "k_en.jsonl").write_text(
        item(1, "http://www.news.example/a?utm_source=x")  # labelled in round a
        + item(2, "https://news.example/b", date="2025-03-01")
        + item(3, "https://news.example/b/")  # the same page twice
        + item(4, "https://news.example/c", "maybe")  # not a label
        + item(5, "https://news.example/d", "other", date="March 2025"),  # not a date: kept undated
        encoding="utf-8",
    )
    merged, counts, dropped = rounds.merge("k", out, labels)
    rows = [json.loads(line) for line in merged.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["k-en-002", "k-en-005"] and dropped == 3
    assert counts == {"core": 1, "other": 1}
    assert rows[0]["split"] == "web" and rows[0]["link"] == "https://news.example/b"
    assert [r["published"] for r in rows] == ["2025-03-01", ""]
    assert load_dev_set(merged)[0].description == "Lead."  # the evaluation reads it as it is
    assert rounds.record("k", out, labels) == 2
    recorded = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()[-2:]]
    profile = load_topic(ROOT / "config" / "topic.yaml")
    assert recorded[0] == {
        "id": "web-en-k002",
        "round": "k",
        "language": "en",
        "label": "core",
        "url": "https://news.example/b",
        # the decision of the profile committed when the round is recorded: "Title 2" is not the story
        "blind": {"relevant": False, "profile": f"{profile.id}@{profile.version}"},
        # the publication date the labeller read, when there was one: the period of a label
        "date": "2025-03-01",
    }
    assert "date" not in recorded[1]
    counts = rounds.pooled(labels)
    for c in (counts["round"]["k"], counts["language"]["all"], counts["year"]["all"]):
        assert (c.tp, c.fp, c.fn, c.tn) == (0, 0, 1, 1)
    assert (counts["year"]["2025"].fn, counts["year"]["undated"].tn) == (1, 1)
    assert "year" not in rounds.pooled(labels, ["a"])  # no dated label among them
    with pytest.raises(SystemExit, match="already"):
        rounds.record("k", out, labels)
    prompts = rounds.write_prompts("k", out)
    assert len(prompts) == len(rounds.LANGUAGES) == 18
    text = (out / "prompt_pl.md").read_text(encoding="utf-8")
    assert "Polish" in text and "k_pl.jsonl" in text and "at most 25 search calls" in text
    placeholders = ("LANGCODE", "LANGNAME", "OUTDIR", "REPO/", "SEARCHES", "ITEMS", "ANGLE", "SCRATCH", "OUTFILE")
    assert not any(word in text for word in (*placeholders, "FIRSTID", "OTHERS"))
    assert "hard negatives.\n\nAim at" in text  # no angle, no empty paragraph
    # a round's own angle, limits, languages and more labellers of one language, each apart
    prompts = rounds.write_prompts(
        "m",
        out,
        languages=["de", "pl"],
        searches=22,
        items="35-45",
        angle="Regional papers.",
        extra=[("pl", "Business portals."), ("pl", "Regional papers.")],
    )
    assert [p.name for p in prompts] == ["prompt_de.md", "prompt_pl.md", "prompt_pl2.md", "prompt_pl3.md"]
    second = (out / "prompt_pl2.md").read_text(encoding="utf-8")
    assert "hard negatives.\n\nBusiness portals.\n\nAim at" in second and "Regional papers." not in second
    assert f"`{out / 'm_pl2.jsonl'}`" in second and '"id": "m-pl-501"' in second
    assert "from 001 and 801 in their own files" in second and "at most 22 search calls" in second
    assert str(out / "scratch_pl2") in second and "About 35-45 items" in second
    assert '"id": "m-de-001"' in (out / "prompt_de.md").read_text(encoding="utf-8")
    assert "in their own files" not in (out / "prompt_de.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="unknown language"):
        rounds.write_prompts("m", out, languages=["xx"])
    # an angle may name the labeller's language
    rounds.write_prompts("n", out, languages=["nl"], angle="The first round in LANGNAME.")
    assert "\nThe first round in Dutch.\n" in (out / "prompt_nl.md").read_text(encoding="utf-8")
    with pytest.raises(SystemExit, match="at most 3 labellers"):
        rounds.write_prompts("m", out, languages=["pl"], extra=[("pl", "")] * 3)


def test_the_second_labels_sit_next_to_the_first_ones() -> None:
    """agreement.jsonl: a second labeller's labels of a seeded sample of rounds zv, zw, zx (200
    items each, 25 a language), zy and zz (120 each, 40 a language), zzb (140, 20 a language), zzc,
    zzd, zze and zzf (whole rounds), next to the first labeller's; the numbers of LABELLING.md."""
    labels = DEV_SET.parent / "web_labels.jsonl"
    first = {r["id"]: r for r in map(json.loads, labels.read_text(encoding="utf-8").splitlines())}
    rows = [json.loads(line) for line in (DEV_SET.parent / "agreement.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({r["id"] for r in rows}) == len(rows)
    assert all(r["label"] == first[r["id"]]["label"] and r["round"] == first[r["id"]]["round"] for r in rows)
    assert {r["second"] for r in rows} == {"core", "related", "other"}
    zv = _web_rounds().agreement_counts(rounds=["zv"])["all"]
    assert (zv.n, zv.same_label) == (200, 195)
    c = zv.second_vs_first
    assert (c.tp, c.fp, c.fn, c.tn) == (77, 4, 1, 118)
    assert round(zv.kappa, 3) == 0.948
    zw = _web_rounds().agreement_counts(rounds=["zw"])["all"]
    assert (zw.n, zw.same_label, zw.second_vs_first.tp, zw.second_vs_first.fn) == (200, 199, 80, 1)
    zz = _web_rounds().agreement_counts(rounds=["zz"])["all"]
    c = zz.second_vs_first
    assert (zz.n, zz.same_label, c.tp, c.fp, c.fn) == (120, 115, 52, 2, 1)
    zy = _web_rounds().agreement_counts(rounds=["zy"])["all"]
    assert (zy.n, zy.same_label, zy.second_vs_first.tp, zy.second_vs_first.fn) == (120, 120, 47, 0)
    zx = _web_rounds().agreement_counts(rounds=["zx"])["all"]
    assert (zx.n, zx.same_label, zx.second_vs_first.tp, zx.second_vs_first.fp, zx.second_vs_first.fn) == (
        200,
        198,
        76,
        0,
        0,
    )
    zzb = _web_rounds().agreement_counts(rounds=["zzb"])["all"]
    c = zzb.second_vs_first
    assert (zzb.n, zzb.same_label, c.tp, c.fp, c.fn) == (140, 136, 58, 0, 3)
    zzc = _web_rounds().agreement_counts(rounds=["zzc"])["all"]  # the whole round
    c = zzc.second_vs_first
    assert (zzc.n, zzc.same_label, c.tp, c.fp, c.fn) == (373, 368, 156, 3, 2)
    zzd = _web_rounds().agreement_counts(rounds=["zzd"])["all"]  # the whole round
    c = zzd.second_vs_first
    assert (zzd.n, zzd.same_label, c.tp, c.fp, c.fn) == (260, 253, 107, 4, 0)
    zze = _web_rounds().agreement_counts(rounds=["zze"])["all"]  # the whole round
    c = zze.second_vs_first
    assert (zze.n, zze.same_label, c.tp, c.fp, c.fn) == (300, 292, 122, 1, 4)
    zzf = _web_rounds().agreement_counts(rounds=["zzf"])["all"]  # the whole round
    c = zzf.second_vs_first
    assert (zzf.n, zzf.same_label, c.tp, c.fp, c.fn) == (250, 245, 111, 3, 1)


def test_a_second_labeller_agrees_with_the_dev_labels(profile: TopicProfile) -> None:
    """dev_second.jsonl and gnews_second.jsonl: every item of dev.jsonl and gnews.jsonl labelled
    again by a second labeller (title and summary, the same rules, without the first labels): the
    held-out precision is the scorer's, not the labels' (LABELLING.md)."""

    def second(name: str) -> dict[str, str]:
        text = (DEV_SET.parent / name).read_text(encoding="utf-8")
        return {r["id"]: r["second"] for r in map(json.loads, text.splitlines())}

    dev, fresh = second("dev_second.jsonl"), second("gnews_second.jsonl")
    items = {i.id: i for i in load_dev_set()}
    assert set(dev) == set(items)
    assert set(fresh) == {i.id for i in load_dev_set(FRESH_SET)}
    for split, same, both, second_only, first_only in (("tune", 265, 18, 0, 0), ("heldout", 231, 19, 0, 1)):
        part = {i: item for i, item in items.items() if item.split == split}
        assert sum(item.label == dev[i] for i, item in part.items()) == same, split
        core = Counter((item.label == "core", dev[i] == "core") for i, item in part.items())
        assert (core[(True, True)], core[(False, True)], core[(True, False)]) == (both, second_only, first_only)
    held = sorted(i for i, item in items.items() if item.split == "heldout")
    relevant = [score_text(profile, items[i].title, None, items[i].description or None).relevant for i in held]
    against_second = sum(r and dev[i] != "core" for r, i in zip(relevant, held, strict=True))
    assert against_second <= 4  # 4 false positives against the second labeller, 3 against the first


def test_a_second_labeller_sees_a_sample_without_labels_and_the_agreement_is_counted(tmp_path: Path) -> None:
    rounds = _web_rounds()
    out, labels, agreement = tmp_path / "out", tmp_path / "web_labels.jsonl", tmp_path / "agreement.jsonl"
    out.mkdir()
    first = ["core", "core", "related", "other", "core", "other"]
    blind = [True, False, False, False, True, True]
    with (out / "k_all.jsonl").open("w", encoding="utf-8") as merged, labels.open("w", encoding="utf-8") as rec:
        for n, (label, relevant) in enumerate(zip(first, blind, strict=True), 1):
            lang = "en" if n <= 3 else "pl"
            row = {"id": f"k-{lang}-{n:03d}", "language": lang, "title": f"T{n}", "description": "Lead."}
            merged.write(json.dumps(row | {"label": label, "link": f"https://x.example/{n}"}) + "\n")
            rec.write(
                json.dumps(
                    {
                        "id": f"web-{lang}-k{n:03d}",
                        "round": "k",
                        "language": lang,
                        "label": label,
                        "url": f"https://x.example/{n}",
                        "blind": {"relevant": relevant, "profile": "p@1"},
                    }
                )
                + "\n"
            )
    prompt = rounds.sample("k", out, 2, labels)
    items = [json.loads(line) for line in (out / "k_agree_items.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(items) == 4 and Counter(i["language"] for i in items) == {"en": 2, "pl": 2}
    assert all(set(i) == {"id", "language", "title", "description"} for i in items)  # no label shown
    assert rounds.sample("k", out, 2, labels) == prompt  # seeded: the same sample again
    assert [
        json.loads(line) for line in (out / "k_agree_items.jsonl").read_text(encoding="utf-8").splitlines()
    ] == items
    text = prompt.read_text(encoding="utf-8")
    assert "## Labelling rules" in text and "k_agree_b.jsonl" in text and "4 news items" in text
    assert not any(word in text for word in ("RULES", "ITEMS", "OUTFILE", "COUNT", "LANGUAGES"))
    assert "the items are in English, Polish)" in text
    # the second labeller calls every sampled item core
    second = "".join(json.dumps({"id": i["id"], "label": "core", "note": ""}) + "\n" for i in items)
    (out / "k_agree_b.jsonl").write_text(second, encoding="utf-8")
    assert rounds.agree("k", out, labels, agreement) == 4
    rows = [json.loads(line) for line in agreement.read_text(encoding="utf-8").splitlines()]
    assert all(r["second"] == "core" and set(r) == {"id", "round", "language", "label", "second"} for r in rows)
    got = rounds.agreement_counts(agreement, labels)["all"]
    first_core = sum(r["label"] == "core" for r in rows)
    assert got.n == 4 and got.same_label == first_core
    assert (got.second_vs_first.tp, got.second_vs_first.fp) == (first_core, 4 - first_core)
    assert got.blind_vs_second.fn == sum(
        not r["relevant"] for r in [{"relevant": blind[int(x["id"][-3:]) - 1]} for x in rows]
    )
    assert got.kappa == 0.0  # a labeller who calls everything core agrees no better than chance
    with pytest.raises(SystemExit, match="already"):
        rounds.agree("k", out, labels, agreement)
    (out / "k_agree_b.jsonl").write_text(second.replace('"core"', '"maybe"', 1), encoding="utf-8")
    with pytest.raises(SystemExit, match="core, related or other"):
        rounds.agree("k", out, labels, tmp_path / "other.jsonl")


def test_wartime_deals_and_local_truces_are_not_the_talks(profile: TopicProfile) -> None:
    # the grain deal's "security guarantees" are for ships (rounds s and t)
    grain = score_text(
        profile,
        "What next after the end of the grain deal?",
        None,
        "Ukraine wants to keep exporting grain across the Black Sea. Moscow gives no security guarantees.",
    )
    assert "grain_deal" in grain.matches and not grain.relevant
    # a local ceasefire for repairs near the Zaporizhzhia plant (IAEA) outweighs the ceasefire
    repairs = score_text(
        profile,
        "Repairs to Zaporizhzhia NPP lines have begun",
        None,
        "A localised ceasefire has been introduced near the plant, the IAEA said.",
    )
    assert "local_truces" in repairs.matches and not repairs.relevant
    truce = score_text(profile, "Russia and Ukraine agree a ceasefire in the Black Sea", None)
    assert truce.relevant


def test_a_call_with_putin_needs_ukraine_and_a_gap_stops_at_a_sentence_end(profile: TopicProfile) -> None:
    xi = score_text(profile, "Xi held a long phone call with Putin", None, "They discussed trade and energy.")
    assert "calls_with_putin" not in xi.matches and not xi.relevant
    split = score_text(profile, "Zelensky in Washington", None, "Talks ended. Miami was sunny for the U.S. team.")
    assert "talk_rounds" not in split.matches


def test_look_alikes_found_in_round_v(profile: TopicProfile) -> None:
    # NATO's own air policing over Romania is not air policing of Ukraine
    romania = score_text(profile, "Ucraina: l'Italia invia quattro Eurofighter per l'Air Policing in Romania", None)
    assert "nato_air_policing" in romania.matches and not romania.relevant
    # "in the middle of peace talks" is the setting of an appointment
    appointment = score_text(
        profile, "Zelensky choisit Boudanov pour bras droit, une nomination en pleines négociations de paix", None
    )
    assert "background" in appointment.matches["ceasefire_talks"]["discounted"]
    # Polish "w rozmowie z WP" is an interview, not talks
    interview = score_text(
        profile,
        "Serhij Rachmanin: Na Zełenskim ukraińska polityka się nie kończy",
        None,
        "Rosyjska inwazja zjednoczyła ukraińską scenę polityczną - mówi w rozmowie z WP Serhij Rachmanin.",
    )
    assert "direct_talks" not in interview.matches and not interview.relevant
    # Russian "газа" is gas, not Gaza (terms of every language apply to every text)
    gas = score_text(profile, "Россия и Украина: переговоры о транзите газа", None)
    assert "other_conflicts" not in gas.matches


def test_a_negotiators_role_is_the_setting_of_a_resignation(profile: TopicProfile) -> None:
    """Named by role ("principal négociateur"), the negotiator is generic: under a headline about a
    resignation the role is that story's setting; named by name, or under a vague headline, it
    counts (rounds s, u, w: the chief negotiator's corruption resignation, four times)."""
    summary = "Andriy Yermak, principal négociateur ukrainien, a démissionné vendredi."
    resignation = score_text(
        profile, "Ukraine : démission du directeur de cabinet de Zelensky, visé par des perquisitions", None, summary
    )
    assert "off_topic_headline" in resignation.matches["negotiator_roles"]["discounted"]
    assert not resignation.relevant
    statement = score_text(
        profile,
        "« Produktywne i konstruktywne ». Oświadczenie po spotkaniach",
        None,
        "Ukraińska delegacja spotkała się na Florydzie z wysłannikiem USA Witkoffem i negocjatorem Umierowem.",
    )
    assert "discounted" not in statement.matches["negotiator_roles"]
    assert statement.relevant


def test_a_prisoner_exchange_carried_out_is_the_war_not_the_talks(profile: TopicProfile) -> None:
    """An exchange carried out (prisoners back home), even one a third party mediated, is the
    war's news; an exchange agreed at the talks stays the talks' subject (round x: three UAE-mediated
    exchanges counted as talks through "mediation")."""
    done = score_text(
        profile,
        "Украина и Россия провели обмен пленными при посредничестве Катара",
        None,
        "Домой вернулись 150 украинских военных.",
    )
    assert "prisoner_swaps" in done.matches and not done.relevant
    swapped = score_text(
        profile,
        "Russland und Ukraine tauschen erneut Kriegsgefangene aus",
        None,
        "Die Vereinigten Arabischen Emirate waren Vermittler.",
    )
    assert "prisoner_swaps" in swapped.matches and not swapped.relevant
    agreed = score_text(
        profile,
        "Russia and Ukraine agree on a new prisoner exchange at the Istanbul talks",
        None,
        "The delegations also discussed a ceasefire.",
    )
    assert "prisoner_swaps" not in agreed.matches and agreed.relevant
    # "released in exchange for" is not a swap carried out
    phrase = score_text(profile, "Kyiv frees a Russian pilot", None, "He was released in exchange for grain access.")
    assert "prisoner_swaps" not in phrase.matches


def test_look_alikes_found_in_round_ze(profile: TopicProfile) -> None:
    # the terms of every language apply to every text: Spanish "reuni*" matched "reunited"
    rel = score_text(profile, "Ukrainian families reunited in Kyiv", None, "Russia had held the children.")
    assert "direct_talks" not in rel.matches
    # a return of children carried out is the war's humanitarian news, as a swap is
    rel = score_text(profile, "Russia returns five Ukrainian children after mediation", None)
    assert "prisoner_swaps" in rel.matches
    assert not rel.relevant
    # pollsters named as sociologists
    rel = score_text(profile, "Sociologists: most Ukrainians reject territorial concessions", None)
    assert "opinion_polls" in rel.matches
    assert not rel.relevant
    # an audit of every stem against the other languages' texts (profile 35): French "russe*"
    # matched "Russell", Polish "Krem*" the Polish "krem" (cream)
    assert "russia" not in score_text(profile, "Russell Crowe tourne à Kiev", None).matches
    assert "russia" not in score_text(profile, "Krem do rąk z Ukrainy", None).matches
    assert "russia" in score_text(profile, "Kremlowskie rozmowy z Ukrainą", None).matches
    # markets moving on the talks are market news (round zf, profile 36)
    rel = score_text(profile, "Złoty zareagował na rozmowy pokojowe w sprawie Ukrainy", None)
    assert "market_news" in rel.matches
    assert not rel.relevant
    assert score_text(profile, "Rozmowy pokojowe w sprawie Ukrainy", None).relevant


def test_look_alikes_of_the_terms_added_in_round_zg(profile: TopicProfile) -> None:
    # Cardinal Zuppi also heads the Italian bishops: without Ukraine or Russia he is church news
    assert not score_text(profile, "Zuppi apre l'assemblea dei vescovi italiani", None).relevant
    # guaranteeing someone's safety is not a security guarantee for Ukraine
    rel = score_text(profile, "Київ має гарантувати безпеку виборів", None, "Україна готується.")
    assert "security_guarantees" not in rel.matches
    # another war's hostilities are another conflict's
    gaza = score_text(profile, "Israel and Hamas agree to cease hostilities in Gaza", None)
    assert "other_conflicts" in gaza.matches and not gaza.relevant
    # children given back are a return carried out (round zh, profile 40), in German too
    rel = score_text(profile, "Russland gibt sieben Kinder an die Ukraine zurück", None, "Katar hat vermittelt.")
    assert "prisoner_swaps" in rel.matches
    assert not rel.relevant


def test_look_alikes_of_the_terms_added_in_round_zp(profile: TopicProfile) -> None:
    # another war's peace plan in the Ukrainian genitive ("Сектору Гази") is another conflict's
    gaza = score_text(profile, "Україна вітає мирний план Трампа щодо Сектору Гази", None)
    assert "other_conflicts" in gaza.matches and not gaza.relevant
    # defence stocks moving on peace hopes are market news
    for title in (
        "European defence stocks fall as Ukraine peace plan advances",
        "Titoli della difesa giù a Piazza Affari sul piano di pace per l'Ucraina",
    ):
        rel = score_text(profile, title, None)
        assert "market_news" in rel.matches and not rel.relevant, title
    # the Kremlin's negotiators on other files: without Ukraine, the US or Trump they say nothing
    rel = score_text(profile, "Ушаков рассказал о встрече Путина и Си Цзиньпина", None)
    assert "kremlin_negotiators" not in rel.matches and not rel.relevant
    # Zelensky at the White House without Trump (2022-2024: aid visits) is not a Trump meeting
    rel = score_text(profile, "Zelensky visits the White House", None, "Biden pledges air defence.")
    assert "zelensky_meetings" not in rel.matches and not rel.relevant


def test_look_alikes_of_the_terms_added_in_round_zq(profile: TopicProfile) -> None:
    # EU accession negotiations with Ukraine are not the talks, in English or Ukrainian
    for title in ("EU opens accession negotiations with Ukraine", "ЄС розпочав переговори з Україною про вступ"):
        assert not score_text(profile, title, None).relevant, title
    # talks on another war (a trade war) are not talks on the war
    rel = score_text(profile, "Rozmowy w sprawie wojny handlowej z Chinami", None, "Rosja też traci.")
    assert "ceasefire_talks" not in rel.matches and not rel.relevant
    # a Russian official's name is an anchor, not a topic: Lavrov alone says nothing
    rel = score_text(profile, "Lavrov visits Pyongyang", None)
    assert "russia" in rel.matches and not rel.relevant


def test_look_alikes_of_the_terms_added_in_round_zr(profile: TopicProfile) -> None:
    # an aid or reconstruction plan for Ukraine is not the plan for Ukraine (profile 57)
    for title in ("La UE aprueba un plan de ayuda militar para Ucrania", "Plan de reconstrucción para Ucrania"):
        assert not score_text(profile, title, None).relevant, title
    # Russia's demands on other files, with Ukraine not named, are not the deal's terms
    rel = score_text(profile, "Gazprom: Putin's demands on rouble payments rejected", None, "Europe buys less gas.")
    assert "russian_demands" not in rel.matches and not rel.relevant
    # another army's size, or a limit on what Ukraine's military produces, is not the army cap
    assert not score_text(profile, "Germany to cap army size at 260,000", None).relevant
    rel = score_text(profile, "Russian strikes limit the size of Ukraine's military production", None)
    assert "ceasefire_talks" not in rel.matches
    # a truce for repairs at the Zaporizhzhia plant is a local truce
    rel = score_text(profile, "Repairs begin at Zaporizhzhia under an IAEA-brokered ceasefire", None)
    assert "local_truces" in rel.matches and not rel.relevant


def test_look_alikes_of_the_terms_added_in_round_zs(profile: TopicProfile) -> None:
    # "legitimate targets" without the force: Russia says it of arms deliveries too
    rel = score_text(profile, "Russia: Western arms deliveries are legitimate targets", None, "Ukraine gets HIMARS.")
    assert "legitimate_targets" not in rel.matches and not rel.relevant
    # Trump's phone call with another leader is not a call with Putin, even with Russia named
    rel = score_text(profile, "Trump and Xi hold phone call on trade", None, "They also discussed Russia's oil.")
    assert "putin_meetings" not in rel.matches and not rel.relevant
    # another conflict's chance of peace
    rel = score_text(profile, "Chance for peace in the Middle East, says Trump", None, "Israel and Hamas.")
    assert not rel.relevant
    # another leader meeting Zelensky, with Putin named apart, is not a Putin-Zelensky meeting
    rel = score_text(profile, "Macron trifft Selenskyj in Paris", None, "Putin greift an.")
    assert "putin_zelensky" not in rel.matches


def test_look_alikes_of_the_terms_added_in_round_zt(profile: TopicProfile) -> None:
    # another leader's White House meeting, even with Ukraine discussed, is not Zelensky's
    for title in ("W Białym Domu spotkanie Trumpa z Nawrockim", "Spotkanie Trumpa z Nawrockim w Białym Domu"):
        rel = score_text(profile, title, None, "Rozmawiano też o Ukrainie.")
        assert "zelensky_meetings" not in rel.matches and not rel.relevant, title
    # gas is not Gaza: the genitive "Газы" is Gaza's, "газа" (of gas) stays out
    rel = score_text(profile, "Поставки газа в Европу", None)
    assert "other_conflicts" not in rel.matches


def test_look_alikes_of_the_terms_added_in_round_zv(profile: TopicProfile) -> None:
    # markets moving on the talks are market news: wheat, oil, defence makers in every language
    for title in (
        "Le prix du blé recule, espoir d'un cessez-le-feu en Ukraine",
        "Akcje zbrojeniówki tracą na rozmowach pokojowych Ukrainy",
        "Акции европейского ВПК упали на фоне переговоров по Украине",
    ):
        rel = score_text(profile, title, None)
        assert "market_news" in rel.matches and not rel.relevant, title
    # reconstruction business names another kind of news: the talks in its summary are the setting
    summary = "Diplomacy for a ceasefire is under way, the road to peace is long."
    rel = score_text(profile, "Ukraine invites foreign builders to its reconstruction", None, summary)
    assert "other_news" in rel.matches and not rel.relevant
    # ... unless the headline names the talks
    assert score_text(profile, "Reconstruction fund in the US peace plan for Ukraine", None).relevant


def test_look_alikes_of_the_terms_added_in_round_zw(profile: TopicProfile) -> None:
    # the Wall Street Journal cited is not Wall Street, and Wall Street moving is still a market
    wsj = score_text(
        profile, "Guerre en Ukraine : Witkoff, l'interlocuteur du Kremlin, selon le Wall Street Journal", None
    )
    assert "market_news" not in wsj.matches and wsj.relevant
    rally = score_text(profile, "Wall Street rallies as Ukraine ceasefire talks advance", None)
    assert "market_news" in rally.matches and not rally.relevant
    # another war's halted strikes, a plea for air defence, bombing after aid stops: not a truce
    assert not score_text(profile, "Israel halts strikes on Gaza after truce", None).relevant
    plea = score_text(profile, "Zelensky: Patriots needed to stop Russian strikes on Kyiv", None)
    assert "truce_announcements" not in plea.matches and not plea.relevant
    aid = score_text(profile, "USA wstrzymują dostawy broni, Rosja nasila bombardowania Kijowa", None)
    assert "truce_announcements" not in aid.matches and not aid.relevant


def test_look_alikes_of_the_terms_added_in_round_zx(profile: TopicProfile) -> None:
    # a request for long-range weapons is military aid, even at a leaders' meeting
    tomahawks = score_text(
        profile,
        "Zelensky at the White House: Trump cools hopes for Tomahawks",
        None,
        "Zelensky asked for long-range missiles.",
    )
    assert "arms_requests" in tomahawks.matches and not tomahawks.relevant
    # ... while a meeting on the deal with the weapons beside it stays the story
    deal = score_text(profile, "Trump and Zelensky meet at the White House: a ceasefire first, Tomahawks later", None)
    assert "arms_requests" in deal.matches and deal.relevant
    # a summit called off, named in the summary of a sanctions headline, is the sanctions' setting
    sanctions = score_text(
        profile,
        "US sanctions Russian oil giants Rosneft and Lukoil",
        None,
        "The move came after the Trump-Putin summit in Budapest was called off.",
    )
    assert "off_topic_headline" in sanctions.matches["putin_meetings"]["discounted"]
    assert not sanctions.relevant
    # a colon ends a gap only as a speaker's mark: a sentence end still does
    apart = score_text(profile, "Putin spricht in Peking. Treffen mit Selenskyj?", None)
    assert "putin_zelensky" not in apart.matches


def test_look_alikes_of_the_terms_added_in_round_zy(profile: TopicProfile) -> None:
    # toughening a position is the talks' only when the talks or Ukraine are what it is on
    diplomats = score_text(profile, "Poland toughens its position on Russian diplomats", None, "Ukraine welcomed it.")
    assert "direct_talks" not in diplomats.matches and not diplomats.relevant
    # a week without heating in Kyiv is not a week without strikes
    cold = score_text(profile, "Kyiv residents: a week without heating", None, "No strikes for a week would help.")
    assert "truce_announcements" not in cold.matches and not cold.relevant
    # another leader at Mar-a-Lago is not Zelensky's meeting
    other = score_text(profile, "Netanyahu meets Trump at Mar-a-Lago", None, "They discussed Gaza and Iran.")
    assert "zelensky_meetings" not in other.matches and not other.relevant
    # version 64: aid that "strengthens Ukraine's position at the talks" is aid, not a harder stance
    aid = score_text(profile, "Нова допомога посилить позиції України на переговорах", None)
    assert not aid.relevant
    hard = score_text(profile, "Кремль: Росія посилить свою позицію на переговорах з Україною", None)
    assert "direct_talks" in hard.matches and hard.relevant
    # ... and a coalition of volunteers (no article) is a charity's, not the coalition of the willing
    beach = score_text(profile, "Una coalizione di volontari ripulisce le spiagge", None)
    assert "coalition_of_the_willing" not in beach.matches and not beach.relevant


def test_look_alikes_of_the_terms_added_in_round_zz(profile: TopicProfile) -> None:
    # another conflict's truce with the Black Sea named apart is not the Black Sea truce
    storm = score_text(profile, "Black Sea storm: ships wait as truce holds in Gaza", None)
    assert "truce_announcements" not in storm.matches and not storm.relevant
    # Kyiv in the genitive names Ukraine, but a city's blackout is not the story
    mayor = score_text(profile, "Kiews Bürgermeister warnt vor neuen Stromausfällen", None)
    assert "ukraine" in mayor.matches and not mayor.relevant


def test_look_alikes_of_the_groups_added_in_round_zzb(profile: TopicProfile) -> None:
    # a public row between the leaders is their quarrel, though it broke out at a meeting
    row = score_text(profile, "Trump and Zelensky in shouting match at the White House", None, "Vance joined in.")
    assert "public_rows" in row.matches and not row.relevant
    # ... a row over the peace plan is the talks
    plan = score_text(profile, "Kłótnia o plan pokojowy: Zełenski odrzuca propozycję Trumpa", None)
    assert plan.matches["public_rows"]["discounted"] == {"unless": ["ceasefire_talks"]} and plan.relevant
    # ... and "in a row" is not one
    days = score_text(profile, "Russia-Ukraine talks continue for a third day in a row", None)
    assert "public_rows" not in days.matches and days.relevant
    # a halt to US aid is military aid, even when Moscow calls it a contribution to peace
    aid = score_text(
        profile, "Trump pauses military aid to Ukraine", None, "Moscow called it the best contribution to peace."
    )
    assert "aid_pauses" in aid.matches and not aid.relevant
    weapons = score_text(profile, "USA stoppen Waffenlieferungen an die Ukraine", None)
    assert "aid_pauses" in weapons.matches and not weapons.relevant
    # ... a truce agreed in the same headline stays the story
    deal = score_text(profile, "Ukraine accepts 30-day ceasefire; US lifts its pause on aid", None)
    assert "aid_pauses" in deal.matches and deal.relevant


def test_look_alikes_of_the_terms_added_in_round_zzc(profile: TopicProfile) -> None:
    # the grain deal by its grain: a wartime deal, not the talks
    grain = score_text(profile, "Grano ucraino, Kiev e Mosca firmano l'accordo a Istanbul", None)
    assert "grain_deal" in grain.matches and not grain.relevant
    # ... unless a Black Sea truce of the talks is what lets the grain out
    truce = score_text(profile, "Russia and Ukraine agree Black Sea truce, Ukrainian grain exports to resume", None)
    assert truce.matches["grain_deal"]["discounted"] == {"unless": ["truce_announcements"]} and truce.relevant
    # prisoners freed through a mediator are a swap, not the talks
    swap = score_text(
        profile, "Rosja uwolniła z niewoli 230 ukraińskich żołnierzy", None, "Za pośrednictwem prezydenta Turcji."
    )
    assert "prisoner_swaps" in swap.matches and not swap.relevant
    # 24 hours without the war's end is not the pledge, nor the EU's membership NATO's
    power = score_text(profile, "Kyiv: power restored within 24 hours after strikes, war goes on", None)
    assert "end_war_pledges" not in power.matches and not power.relevant
    eu = score_text(profile, "Ukraine's EU membership bid: accession talks open", None)
    assert "nato_role" not in eu.matches and not eu.relevant
    # version 71: other countries joining NATO are a NATO matter, though they share the words
    sweden = score_text(profile, "Turkey approves Sweden's NATO bid", None, "It comes amid Russia's war in Ukraine.")
    assert "nato_enlargement" in sweden.matches and not sweden.relevant
    stubb = score_text(profile, "Finland's Stubb joins Zelensky at White House talks with Trump", None)
    assert stubb.matches["nato_enlargement"]["discounted"] == {"unless": ["zelensky_meetings"]} and stubb.relevant


def test_look_alikes_of_the_terms_added_in_round_zzd(profile: TopicProfile) -> None:
    # a poll named by its question is a poll
    poll = score_text(
        profile,
        "Zapytano Ukraińców, co sądzą o ustępstwach wobec Rosji",
        None,
        "Większość odrzuca oddanie terytoriów w zamian za pokój.",
    )
    assert "opinion_polls" in poll.matches and not poll.relevant
    # "in the background" is a cue: the talks it names are the setting
    cue = score_text(profile, "Rocznica wojny w Kijowie. W tle negocjacje", None, "Rosja i Ukraina.")
    assert "background" in cue.matches["direct_talks"]["discounted"]
    # ... and a cue of two words counts as near as one word would, though it begins five words
    # before the talks (version 72: the window holds the cue's last word)
    far = score_text(
        profile, "Litwa upamiętnia rocznicę wojny na Ukrainie. W tle aktywizacja Europy i negocjacje USA-Rosja", None
    )
    assert "background" in far.matches["direct_talks"]["discounted"] and not far.relevant
    # a one-word cue five words back is too far: "przed" here is not before the talks
    apart = score_text(profile, "Przed świętami Zełenski, Putin i Trump: rozmowy pokojowe trwają", None)
    assert "discounted" not in apart.matches["ceasefire_talks"]
    # round zzf (version 70): a strike on the eve of a meeting is a strike report
    eve = score_text(profile, "Putin asedia Kiev con misiles en la víspera de la reunión entre Trump y Zelenski", None)
    assert "background" in eve.matches["zelensky_meetings"]["discounted"] and not eve.relevant


def test_look_alikes_of_the_terms_added_in_round_zzg(profile: TopicProfile) -> None:
    # Trump's Board of Peace is Gaza's, though Putin is invited and "peace" is in its name
    board = score_text(profile, "Putin accepts Trump's invitation to join the Board of Peace", None)
    assert "other_conflicts" in board.matches and not board.relevant
    assert not score_text(profile, "Putin przyjął zaproszenie do Rady Pokoju. Trump ogłasza", None).relevant
    # a promise not to attack needs the war's parties: other conflicts' pledges stay out
    assert not score_text(profile, "India and Pakistan agreed not to attack each other's nuclear sites", None).relevant
    # "how to end the war" of another war is that war's
    assert not score_text(profile, "Netanyahu explains how to end the war in Gaza", None).relevant


def test_look_alikes_of_the_terms_added_in_round_zzh(profile: TopicProfile) -> None:
    # a mediator who brings children home or secures a swap is humanitarian, not the talks
    children = score_text(
        profile, "Qatar working to return another group of children taken to Russia back to Ukraine", None
    )
    assert "prisoner_swaps" in children.matches and not children.relevant
    swap = score_text(
        profile, "Une médiation des Émirats aboutit à l'échange de 230 prisonniers entre la Russie et l'Ukraine", None
    )
    assert "prisoner_swaps" in swap.matches and not swap.relevant
    # ... while an agreement on a swap at the talks stays the talks
    agreed = score_text(profile, "Russia and Ukraine agree on a prisoner exchange at the Istanbul talks", None)
    assert agreed.relevant
    # NATO's Baltic Air Policing is NATO's, though the war is in the headline
    baltic = score_text(
        profile, "Litwa: polski kontyngent przejął misję Baltic Air Policing", "Samoloty chronią niebo przed Rosją."
    )
    assert "nato_air_policing" in baltic.matches and not baltic.relevant


def test_look_alikes_of_the_terms_added_in_round_zzi(profile: TopicProfile) -> None:
    # the oil market moved by the talks is a market item, in English as in French and Polish
    oil = score_text(profile, "Oil drops 2% as US seeks Russia-Ukraine peace deal", None)
    assert "market_news" in oil.matches and not oil.relevant
    # ... while a headline on the talks that names the market beside them stays the talks
    talks = score_text(profile, "Ukraine peace talks: oil rises as Witkoff meets Putin", None)
    assert talks.relevant


def test_look_alikes_of_the_terms_added_in_round_zzj(profile: TopicProfile) -> None:
    # the IAEA's talks on a safety zone around the plant are the plant's safety, not the peace terms
    for title in (
        "Ucraina, Grossi (Aiea): pronti a nuovi negoziati su Zaporizhzhia",
        "Des pourparlers sont en cours pour créer une zone de sécurité autour de la centrale de Zaporijjia",
        "Verhandlungen zwischen Russland und der Ukraine: Vorschlag über AKW-Schutzzone",
    ):
        rel = score_text(profile, title, None, "Russland und die Ukraine.")
        assert "nuclear_safety_zone" in rel.matches and not rel.relevant, title
    # ... while the plant in the US peace plan stays the talks, the IAEA named or not
    plan = score_text(profile, "US plan: IAEA to oversee Zaporizhzhia nuclear plant run by the United States", None)
    assert plan.relevant
    # a call to end another war is that war's
    assert not score_text(profile, "Pope calls for an end to the war in Gaza", None).relevant


def test_a_background_cue_does_not_reach_across_a_clause_mark(profile: TopicProfile) -> None:
    """Round zzk (version 77): a cue in a headline's kicker ("Kurz vor der 10-Tage-Frist:") is the
    kicker's; the clause after a colon or a comma is the subject."""
    kicker = score_text(profile, "Kurz vor der 10-Tage-Frist: Trumps Sondergesandter Witkoff reist nach Russland", None)
    assert "discounted" not in kicker.matches["negotiators"]
    comma = score_text(profile, "Amid strikes, talks between Russia and Ukraine resume in Istanbul", None)
    assert "discounted" not in comma.matches["talk_rounds"]
    # ... while in the same clause it still makes the talks the setting
    same = score_text(profile, "Russia strikes Kyiv ahead of talks in Istanbul with Ukraine", None)
    assert "background" in same.matches["talk_rounds"]["discounted"]
    # the dot of "U.S." is not a sentence end
    abbrev = score_text(profile, "Russia strikes Kyiv amid U.S. talks with Ukraine", None)
    assert "background" in abbrev.matches["direct_talks"]["discounted"]


def test_a_headline_naming_the_talks_only_as_the_setting_is_about_something_else(profile: TopicProfile) -> None:
    """Round zzo (version 80): "Ukraine and Russia trade strikes and accusations ahead of talks"
    names the talks only after a cue: the headline is about the strikes, so the truce its summary
    names is that story's setting, as under any headline that names another kind of news."""
    title = "L'Ukraine et la Russie échangent frappes et accusations avant des pourparlers"
    lead = (
        "Alors que des pourparlers sont prévus lundi, l'Ukraine et la Russie ont échangé des frappes. "
        "Cette semaine, Donald Trump et Vladimir Poutine se sont accordés pour une trêve."
    )
    rel = score_text(profile, title, None, lead)
    assert rel.matches["ceasefire_talks"]["discounted"] == {"off_topic_headline": ["trêve"]}
    assert not rel.relevant
    # the talks named outside the cue's reach keep the headline on the story
    named = score_text(profile, "Frappes sur Kiev : les pourparlers avec la Russie reprennent", None, lead)
    assert "discounted" not in named.matches["ceasefire_talks"]


def test_a_refusal_to_stop_strikes_until_a_surrender_is_not_a_truce(profile: TopicProfile) -> None:
    """Version 84: a halt or pause of strikes until a date is a truce ("Trump asked Putin halt
    strikes Kyiv until February 1"); "will not stop strikes until Kyiv gives up" is not."""
    truce = score_text(profile, "Kremlin: Trump asked Putin halt strikes Kyiv until February 1", None)
    assert "truce_announcements" in truce.matches
    refusal = score_text(profile, "Putin says Russia will not stop strikes on Ukraine until Kyiv gives up", None)
    assert "truce_announcements" not in refusal.matches


def test_russian_troops_sent_into_ukraine_in_2022_are_not_a_reassurance_force(profile: TopicProfile) -> None:
    """Round zzr (version 83): "the Kremlin ordered troops into Ukraine on February 24, 2022" is
    the invasion; sending or deploying troops into Ukraine is the reassurance force."""
    invasion = score_text(
        profile,
        "Ukraine marks four years since Russian invasion",
        None,
        "Tens of thousands of lives have been lost since the Kremlin ordered troops into Ukraine.",
    )
    assert "reassurance_force" not in invasion.matches
    force = score_text(profile, "Starmer ready to send British troops into Ukraine after a ceasefire", None)
    assert "reassurance_force" in force.matches


def test_the_oval_office_is_a_meeting_only_with_one(profile: TopicProfile) -> None:
    """Round zzq (version 82): Trump speaks to reporters in the Oval Office every day; the room
    names a Trump-Zelensky meeting only beside a meeting, talks or Zelensky."""
    remarks = score_text(
        profile,
        "Trump says he expects Ukraine will accept mineral deal soon",
        None,
        "Trump told reporters in the Oval Office that the deal would assure US defense funding is recouped.",
    )
    assert "zelensky_meetings" not in remarks.matches
    meeting = score_text(profile, "Trump and Zelensky resume talks in the Oval Office with European leaders", None)
    assert "zelensky_meetings" in meeting.matches


def test_russian_gas_in_a_headline_is_another_kind_of_news(profile: TopicProfile) -> None:
    """Round zzp (version 81): the end of Russian gas transit through Ukraine is that story, and an
    "agreement with Moscow" its summary names is the gas contract, not the talks."""
    rel = score_text(
        profile,
        "Kiev chiude i rubinetti al gas russo verso l'Europa",
        None,
        "Il 2025 si apre con un nuovo colpo. Kiev ha interrotto il transito di gas russo, non rinnovando un "
        "accordo con Mosca che garantiva forniture a Slovacchia e Austria.",
    )
    assert "other_news" in rel.matches
    assert not rel.relevant


def test_a_cue_for_talks_under_way_makes_them_the_setting(profile: TopicProfile) -> None:
    """Round zzn (version 79): "now, while talks on a truce are under way, the Russians accused
    Ukraine of the attack" (Polish, Ukrainian, Russian, French, Italian, Spanish)."""
    title = "Rosja. Pożar w stacji pomiarowej Sudża. Rosjanie oskarżają Ukraińców"
    lead = "Teraz, kiedy trwają rozmowy o wprowadzeniu rozejmu, Rosjanie oskarżyli Ukrainę o atak na ten obiekt."
    rel = score_text(profile, title, None, lead)
    assert "background" in rel.matches["ceasefire_talks"]["discounted"]
    assert not rel.relevant
    for headline in (
        "Росія атакувала Київ, поки тривають переговори з Україною",
        "Россия атаковала Киев, пока идут переговоры с Украиной",
        "Drones golpean Kiev mientras avanzan las negociaciones con Rusia",
        "Frappes sur Kiev alors que se déroulent les pourparlers avec la Russie",
        # version 81: the run-up to talks ("A l'approche du sommet", "в преддверии переговоров")
        "Russia pounds Kyiv in the run-up to talks with Ukraine",
        "Удары по Киеву в преддверии переговоров с Украиной",
        "Frappes sur Kiev à l'approche des pourparlers avec la Russie",
        # version 82: a concession ("even if the US opens talks with Moscow")
        "Deutschland sagt der Ukraine Hilfe zu, auch wenn Washington Gespräche mit Moskau aufnimmt",
        "UK pledges more help for Ukraine even as the US opens talks with Moscow",
        # version 83: "while" and "before" ("Ataque ruso en Odesa deja muertos mientras EU impulsa plan
        # de paz", "just days before the Trump-Putin summit")
        "Ataque ruso en Odesa deja muertos mientras EE.UU. impulsa un plan de paz con Rusia",
        "Russia pounds Kharkiv just days before the peace talks with Ukraine",
        "Raid russo su Kiev mentre proseguono i negoziati con la Russia",
    ):
        matches = score_text(profile, headline, None).matches
        talk_groups = {"direct_talks", "talks_with_russia", "ceasefire_talks", "talk_rounds", "exchange_agreements"}
        talks = {gid: m for gid, m in matches.items() if gid in talk_groups}
        assert talks, (headline, matches)
        assert all("background" in m.get("discounted", {}) for m in talks.values()), (headline, matches)


@pytest.mark.parametrize(
    ("title", "group"),
    [
        # a `a|b` word is one word: these terms were written as alternative phrases ("give up|hand
        # over", "Abu Dhabi|Geneva") and matched none of them until version 79
        ("Trump says Zelensky could cede Crimea", "ceasefire_talks"),
        ("Will Ukraine give up Crimea for peace?", "ceasefire_talks"),
        ("US ready to recognise Crimea as part of Russia in a deal with Ukraine", "ceasefire_talks"),
        ("Ukraine and Russia to hold Geneva trilateral with the US", "talk_rounds"),
        ("Trilateral in Geneva: Ukraine, Russia and US envoys meet", "talk_rounds"),
        ("Ukraine : une trilatérale à Genève avec Moscou", "talk_rounds"),
        ("Ucraina, trilaterale a Ginevra con Mosca", "talk_rounds"),
        ("Ucrania: trilateral en Ginebra con Rusia", "talk_rounds"),
        ("Russia and Ukraine completed a prisoner exchange in Belarus", "prisoner_swaps"),
        ("Russia, Ukraine conduct fresh prisoner exchange", "prisoner_swaps"),
        ("Зеленський: Україна не визнає Крим російським", "ceasefire_talks"),
        ("Петиція: пауза у війні з Росією для України", "ceasefire_talks"),
        ("Vermittlung zum Kriegsende: Vatikan bietet sich der Ukraine an", "ceasefire_talks"),
        ("Papa Leone: un percorso di pace per l'Ucraina", "ceasefire_talks"),
        ("La France suspend son aide à l'Ukraine", "aid_pauses"),
    ],
)
def test_alternative_phrases_are_written_as_separate_terms(profile: TopicProfile, title: str, group: str) -> None:
    assert group in score_text(profile, title, None).matches, title


def test_no_two_neighbouring_alternatives_share_a_word(profile: TopicProfile) -> None:
    """An alternative is one word: `treffen|zu treffen|getroffen` reads as "(treffen or zu) then
    (treffen or getroffen)" and misses "treffen" alone. Two neighbouring `a|b` words that offer
    the same word are that slip (versions before 79 had two; version 85 nearly added a third)."""
    slips = [
        (group.id, language, term)
        for group in profile.groups
        for language, terms in group.terms.items()
        for term in terms
        for first, second in itertools.pairwise(term.split())
        if "|" in first and "|" in second and set(first.split("|")) & set(second.split("|"))
    ]
    assert not slips


def test_zelensky_in_the_spellings_of_each_language(profile: TopicProfile) -> None:
    """Round zze: Swiss and Austrian papers write "Selenski" and "Selenskij", French, Italian and
    Spanish ones "Zelenski" or "Zelenskyy": each names Ukraine."""
    for title in (
        "Zwergstaaten eilen der Schweiz und Selenski zu Hilfe",
        "Selenskij trifft Kellogg in Kiew",
        "Zelenskyy à Paris",
        "Zelenski a Roma",
        "Zelensky y Sánchez",
        # version 69: Kyiv in Italian and Spanish
        "Kyiv: colloqui a Ginevra",
        "Kyiv acepta el plan",
    ):
        assert "ukraine" in score_text(profile, title, None).matches, title


def test_a_name_is_not_the_country_it_starts_like(profile: TopicProfile) -> None:
    """Russian "Сирил" (Cyril Ramaphosa, the African peace mission) is not Syria, nor is "курил"
    (smoked) the Kuril Islands (round y: a Syria stem made the mission another conflict)."""
    mission = score_text(profile, "Мирная миссия: Сирил Рамафоса прибыл в Украину", None)
    assert "other_conflicts" not in mission.matches and mission.relevant
    syria = score_text(profile, "Перемирие в Сирии: Россия и Турция договорились", None)
    assert "other_conflicts" in syria.matches and not syria.relevant


def test_look_alikes_found_in_round_za(profile: TopicProfile) -> None:
    # an exchange agreed needs both sides: a US-Russia swap is another story
    us_swap = score_text(profile, "Russia and the US agree a prisoner swap", None, "Two Americans will be freed.")
    assert "exchange_agreements" not in us_swap.matches and not us_swap.relevant
    # the UN force in Lebanon is another conflict's, in every language
    unifil = score_text(profile, "Миротворці ООН залишать Ліван", None, "Україна теж мала там контингент.")
    assert "other_conflicts" in unifil.matches and not unifil.relevant
    # "comes as" makes the talks after it the setting of a reshuffle
    reshuffle = score_text(
        profile,
        "Ukraine's wartime reshuffle: what we know",
        None,
        "Zelensky replaced his prime minister. The reshuffle comes as talks with Russia stall.",
    )
    assert "background" in reshuffle.matches["talks_with_russia"]["discounted"]
    assert not reshuffle.relevant
    # the US-Ukraine minerals deal names another kind of news: its negotiations are its own
    minerals = score_text(
        profile,
        "Qué se sabe del acuerdo sobre minerales entre EE.UU. y Ucrania",
        None,
        "Tras meses de negociaciones con la mediación de Rusia ausente, firmaron el acuerdo.",
    )
    assert "other_news" in minerals.matches and not minerals.relevant


def _instances(term: str, variant: int) -> str:
    """A text the term matches: each wildcard given a suffix, each number a number, each gap two
    words, each "a|b" word one of its alternatives (by ``variant``)."""
    words = []
    for word in term.split():
        if word == "...":
            words += ["und", "dann"]
            continue
        alts = word.split("|")
        word = alts[variant % len(alts)]
        word = "-".join(
            ("30" if piece == "#" else piece[:-1] + "ami" if piece.endswith("*") else piece)
            for piece in word.split("-")
        )
        words.append(word.replace("#", "30"))
    return " ".join(words)


def _plain_matches(pattern: re.Pattern[str] | None, text: str) -> list[tuple[int, int, str]]:
    assert pattern is not None
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def test_a_number_written_together_with_a_word(profile: TopicProfile) -> None:
    """``#denní`` is "30denní" (a 30-day truce, one word in Czech); before version 109 a ``#``
    glued to a word was a literal "#"."""
    rel = score_text(profile, "Rusko odmítlo 30denní příměří navržené Ukrajinou a USA", None)
    assert rel.matches["truce_announcements"]["title"] == ["30denní příměří"] and rel.relevant
    assert "truce_announcements" not in score_text(profile, "Rusko odmítlo denní příměří", None).matches


def test_the_dispatch_finds_what_each_groups_alternation_finds(profile: TopicProfile) -> None:
    """`_Dispatch` tries at each word only the terms that begin with its first letters; it must
    find, group by group, the very matches of one alternation of all the group's terms
    (``finditer``: leftmost, the group's first term in its longest-first order, no overlaps): on
    the dev set's headlines and summaries and on texts made of every term of the profile, run
    together so that terms of one group overlap, nest and abut."""
    from processors.relevance import _alternation, _Dispatch, _fold

    terms = [[t for ts in g.terms.values() for t in ts] for g in profile.groups]
    dispatch = _Dispatch(terms)
    plain = [_alternation(t) for t in terms]
    texts = [_fold(f"{item.title}. {item.description}") for item in load_dev_set()]
    every = sorted({_instances(_fold(t), v) for ts in terms for t in ts for v in range(2)})
    for size, sep in ((7, " "), (11, ", "), (5, "-")):
        texts += [sep.join(every[i : i + size]) for i in range(0, len(every), size)]
    wanted = [True] * len(terms)
    compared = found = 0
    for text in texts:
        hits = dispatch.find(text, wanted)
        for gi, pattern in enumerate(plain):
            expected = _plain_matches(pattern, text)
            assert hits.get(gi, []) == expected, (profile.groups[gi].id, text)
            compared += 1
            found += bool(expected)
    assert found > 10_000 and compared > 50 * len(terms)
    # only the wanted groups are looked for
    only = [gi == 0 for gi in range(len(terms))]
    assert set(dispatch.find(texts[-1], only)) <= {0}


@pytest.mark.parametrize(
    ("terms", "text"),
    [
        # the group's longest-first order decides between terms at one place
        (["peace*", "peace talks", "peace talks in *", "talks"], "peace talks in Geneva, peacetalks, peace"),
        # numbers: a whole word, a hyphen piece, the start of a word ("30denní")
        (["# point plan*", "#-puntenplan", "#denní příměří"], "the 28 point plan, 28-puntenplan, 30denní příměří"),
        # a term of one or two letters, at the end of the text
        (["у|в білому домі", "в", "на*"], "в Білому домі і в"),
        # a term beginning with something other than a letter: its group keeps its alternation
        (["-ism", "'s deal", "deal"], "Trump -ism 's deal deal"),
        # a word start inside a hyphenated or dotted word, and the folded "U.S."
        (["u.s. envoy*", "envoy", "s-au certat"], "U.S. envoys; the US envoy s-au certat"),
        (["a ... b", "a"], "a x y b, a b"),
    ],
)
def test_the_dispatch_on_hard_terms(terms: list[str], text: str) -> None:
    from processors.relevance import _alternation, _Dispatch, _fold

    groups = [terms, terms[::-1], [terms[0]]]
    dispatch = _Dispatch(groups)
    folded = _fold(text)
    hits = dispatch.find(folded, [True] * len(groups))
    for gi, group in enumerate(groups):
        assert hits.get(gi, []) == _plain_matches(_alternation(group), folded)
    assert hits


def test_a_profile_object_is_compiled_once_and_a_changed_copy_anew(profile: TopicProfile) -> None:
    """The compiled form is cached by profile object (frozen models), not by a JSON dump per
    call; a copy with other groups or another threshold gets its own."""
    from processors.relevance import _compile

    assert _compile(profile) is _compile(profile)
    headline = "Zelensky: a ceasefire with Russia is close"
    assert "ceasefire_talks" in score_text(profile, headline, None).matches
    # without the group, and without its name in the other groups' `unless` lists
    groups = [
        g.model_copy(update={"unless": [u for u in g.unless if u != "ceasefire_talks"]})
        for g in profile.groups
        if g.id != "ceasefire_talks"
    ]
    fewer = profile.model_copy(update={"groups": groups})
    assert "ceasefire_talks" not in score_text(fewer, headline, None).matches
    strict = profile.model_copy(update={"threshold": 100.0})
    assert score_text(profile, headline, None).relevant
    assert not score_text(strict, headline, None).relevant


@pytest.mark.parametrize(
    "title",
    [
        "Putin: Rosja domaga się usunięcia pierwotnych przyczyn wojny w Ukrainie",
        "Putin insists on eliminating the root causes of the conflict in Ukraine",
        "Путин: Россия добивается устранения первопричин конфликта на Украине",
        "Kremlin: la paix en Ukraine passe par les causes profondes du conflit",
    ],
)
def test_putins_root_causes_are_his_terms_for_the_deal(profile: TopicProfile, title: str) -> None:
    rel = score_text(profile, title, None)
    assert "russian_demands" in rel.matches
    assert rel.relevant


def test_an_assassination_in_a_headline_makes_talks_in_its_summary_the_setting(profile: TopicProfile) -> None:
    # round ya: Moscow blames Kyiv for killing a general; the next talks are the lead's second sentence
    rel = score_text(
        profile,
        "Ukraine-Krieg: Moskau wirft Ukraine Beteiligung an Attentat auf General vor",
        None,
        "In Kiew fehlt die Heizung. Selenskyj erwartet die nächsten Verhandlungen über ein Ende des "
        "Ukraine-Krieges in den USA.",
    )
    assert "other_news" in rel.matches
    assert not rel.relevant


@pytest.mark.parametrize(
    "title",
    [
        "Russia and Ukraine sign energy and Black Sea agreements, US says",
        "Ursula von der Leyen arrives in Paris for the meeting of European leaders on security and defense of Ukraine",
    ],
)
def test_the_black_sea_agreements_and_meetings_on_ukraines_security_are_the_talks(
    profile: TopicProfile, title: str
) -> None:
    assert score_text(profile, title, None).relevant


@pytest.mark.parametrize(
    "title",
    [
        # round yb: territorial demands, a peace referendum, US-Russia talks named by both sides
        "Putin droht mit weiteren Gebietsforderungen an die Ukraine",
        "Russia's territorial demands on Ukraine grow before the next round",
        "Medienbericht: Selenskyj will Wahl und Friedensreferendum für Mai ansetzen",
        "Переговори США та Росії щодо України, заяви Трампа: головне за ніч",
        "Переговоры США и России по Украине продолжатся в Абу-Даби",
    ],
)
def test_territorial_demands_a_peace_referendum_and_us_russia_talks_are_the_story(
    profile: TopicProfile, title: str
) -> None:
    assert score_text(profile, title, None).relevant


def test_an_advance_before_the_alaska_summit_is_a_front_line_report(profile: TopicProfile) -> None:
    # round yb: "natarcie" (an advance) is a battlefield word; the summit is the setting ("przed")
    rel = score_text(
        profile,
        "Największe natarcie na Ukrainę tuż przed rozmowami na Alasce",
        None,
        "Kilka dni przed szczytem Trump-Putin armia rosyjska dokonała największego natarcia od roku; Rosja przejęła "
        "110 km² terytorium.",
    )
    assert "battlefield" in rel.matches
    assert not rel.relevant


@pytest.mark.parametrize(
    ("title", "description", "why"),
    [
        # round yc: "as" and "paralelo a" beside a strike, and a cue six words before the talks
        ("Russian Strikes Kill 20 as Ukraine Attempts to Revive Peace Process", "", "background"),
        (
            "Russia pummels Ukraine with drones, killing at least 25 as U.S. tries to revive peace talks",
            "",
            "background",
        ),
        ("Paralelo a cumbre Trump-Putin, más de 100 ataques con drones entre Rusia y Ucrania", "", "background"),
        (
            "Rusia lanzó 85 drones y un misil contra Ucrania mientras se celebraba la reunión Putin-Trump",
            "",
            "background",
        ),
        (
            "Angeblicher russischer Durchbruch in Ostukraine vor Alaska-Gipfel",
            "Russische Truppen seien vorgestoßen.",
            "background",
        ),
        # round yh: "before" and its kin beside a strike, a strike verb in the past (pl: the talks in
        # the summary under a strike headline)
        ("Rusia atacó Kiev antes de reunión clave entre Zelenskiy y Trump", "", "background"),
        ("Russia pounds Kyiv with drones before key Trump-Zelensky meeting", "", "background"),
        ("Frappes russes sur Kyiv avant la rencontre entre Zelensky et Trump", "", "background"),
        ("Droni russi su Kiev prima di un incontro tra Zelensky e Trump", "", "background"),
        (
            "Ukraińcy zaatakowali ważny zakład w Rosji",
            "W piątek na Alasce Donald Trump ma się spotkać z Władimirem Putinem, by omówić sposoby zakończenia "
            "wojny na Ukrainie.",
            "off_topic_headline",
        ),
        # round yj: "en plein" (masculine) and "on the night of" the talks
        ("En plein sommet Trump-Poutine, la Russie a envoyé 85 drones sur l'Ukraine", "", "background"),
        ("У ніч переговорів на Алясці Росія запустила по Україні 85 дронів", "", "background"),
        ("On the night of the Alaska summit Russia launched 85 drones at Ukraine", "", "background"),
        # round yl: "bombs" is a strike verb, so "hours after" marks the talks as the setting
        ("Russia Bombs Ukraine Hours After Trump Discusses Ceasefire Plan with Putin", "", "background"),
        # round ym: a strike "in response to" the talks, or "instead of" a ceasefire
        ("Russia Responds To Washington Talks With Mass Drone And Missile Strikes On Ukraine", "", "background"),
        ("Замість припинення вогню. Удар РФ по Запоріжжю", "", "background"),
        ("Instead of a ceasefire, Russia strikes Zaporizhzhia", "", "background"),
    ],
)
def test_talks_named_as_the_time_of_a_strike_or_an_advance_are_its_setting(
    profile: TopicProfile, title: str, description: str, why: str
) -> None:
    # why: "background" behind a cue, "off_topic_headline" for talks in a summary under a strike headline
    rel = score_text(profile, title, None, description or None)
    assert any(why in m.get("discounted", {}) for m in rel.matches.values() if isinstance(m, dict))
    assert not rel.relevant


@pytest.mark.parametrize(
    "title",
    [
        # setting cues mark the setting only beside a strike or other news ("as": round yc)
        "Zelensky flies to Geneva as peace talks resume",
        "Kiev pide a Moscú conocer sus condiciones antes de segunda reunión",
        "Zelensky wants security guarantees before any ceasefire with Russia",
        "Zelensky wants security guarantees instead of NATO membership",
    ],
)
def test_a_setting_cue_with_no_strike_leaves_the_talks_the_subject(profile: TopicProfile, title: str) -> None:
    rel = score_text(profile, title, None)
    assert not any("background" in m.get("discounted", {}) for m in rel.matches.values() if isinstance(m, dict))
    assert rel.relevant


def test_a_large_attack_hours_after_a_meeting_has_it_as_its_setting(profile: TopicProfile) -> None:
    # round yd: "Großangriffe" is a strike word, so "Stunden nach" marks the meeting as the setting
    rel = score_text(
        profile,
        "Russland startet wenige Stunden nach dem Treffen zwischen Trump und Selenskyj Großangriffe",
        None,
        "Russland hat in der Nacht einen Großangriff auf Krementschuk gestartet.",
    )
    assert "background" in rel.matches["zelensky_meetings"]["discounted"]
    assert not rel.relevant


@pytest.mark.parametrize(
    ("title", "description"),
    [
        # round yc: Trump's envoy, meetings and calls named with "Donald" or "із", truces by their terms
        ("Pioggia droni e missili sull'Ucraina, l'inviato Trump atteso", "Proseguono i contatti con Mosca."),
        ("Aliados europeos acompañarán a Volodímir Zelenski en su reunión con Donald Trump", ""),
        ('Трамп заявив про "дуже хорошу розмову" із Зеленським', ""),
        ('Guerra Ucraina Russia, il Cremlino: "Stop ad attacchi fino a domenica solo su Kiev"', ""),
        ("Ucraina, Trump dice di aver convinto Putin a uno stop ai bombardamenti", ""),
        ("Trump zwrócił się do Putina. Zgodził się nie strzelać przez tydzień na Ukrainie", ""),
        ("Trump pisze o konieczności zawarcia porozumienia ws. wojny w Ukrainie", ""),
        # round yd: the war ending by a date, "referendum pace"
        ("Zelensky: gli Usa vogliono che la guerra finisca entro l'inizio dell'estate", ""),
        ("Ucraina, attacchi su Kharkiv: Zelensky prepara elezioni e referendum pace", ""),
        ("US wants the war in Ukraine to end by June, Zelensky says", ""),
        # round ye: a pause in attacks, a suspension of strikes, "Russia demands"
        ("Trump: Putin stimmt Pause für Angriffe auf ukrainische Städte zu", ""),
        ("Ukraine : Vladimir Poutine dit être prêt à suspendre certaines frappes si Kiev organise une élection", ""),
        ("Doroczne przemówienie Putina o wojnie w Ukrainie. Rosja żąda, Rosja się domaga", ""),
        # round yf: leaders named with their first names, Russia's demand to leave Donbas
        ("Guerra Rusia Ucrania: Donald Trump y Vladimir Putin sostienen llamada pero no hay avances", ""),
        ("Дональд Трамп провел телефонный разговор с Владимиром Зеленским", ""),
        ("Трамп заявил, что Путин все еще требует выхода Украины из Донбасса", ""),
        # round yh: a deadline for the war's end, a meeting in the gerund, headline-style "garanzie
        # sicurezza", Kyiv giving up Donbas and a cessation of fighting
        ("Trump sets new deadline for end to Ukraine war", ""),
        ("Trump afirma que no quiere perder su tiempo reuniéndose con Putin sin un acuerdo sobre Ucrania", ""),
        ("Negoziati Berlino Ucraina, Zelensky: rinuncia Nato, garanzie sicurezza", ""),
        ("Отказ Киева от Донбасса и прекращение боев: главное к вечеру", ""),
        ("Відмова України від Донбасу: що пропонують у Вашингтоні", ""),
        # round yi: Trump speaking with Putin (verbs), a meeting with Trump with words between (uk),
        # the conflict's solution, a pause in air raids (pl), talks "ws." ending the war, ceding all
        # of Donbas in any form of "поступитися", Trump stopping the war
        ("Trump hat ein langes Telefongespräch mit Putin begonnen", ""),
        ("Трамп заявив про намір поговорити з Путіним", ""),
        ("Putin: Trump sta sinceramente cercando una soluzione al conflitto", ""),
        ("Trump poprosił Putina, by przerwał naloty", ""),
        ("Зеленський: готуємось до зустрічі в понеділок із Трампом", ""),
        ("Путін досі хоче, аби Україна поступилася контролем над усім Донбасом", ""),
        ("Rozmowy ws. zakończenia wojny w Ukrainie. Trump zabrał głos", ""),
        ("Ucraina, Zelensky: Trump potrà fermare guerra", ""),
        ("Trump says only he can stop the war in Ukraine", ""),
        # round yj: "ґ" reads as "г" ("ґарантії безпеки"), Trump asking Putin to refrain from
        # strikes, "sabotaging peace", "the American president" as the US beside the talks (uk)
        ("Зеленський окреслив ґарантії безпеки для України", ""),
        ("Трамп попросив Путіна утриматися від обстрілів України на тиждень", ""),
        ("Ucraina, Trump: gli europei sabotano la pace", ""),
        (
            "Ми домовилися про багато питань: Трамп поділився враженнями",
            "На Алясці відбулась зустріч Дональда Трампа і Володимира Путіна. Американський президент "
            "висловив перше враження від перемовин.",
        ),
        # round yk: "Friedenspläne", the Ukraine talks beside the Iran war (iran_war gives way to
        # them), Trump "зателефонує" Putin, giving up Crimea (fr)
        ("Trump, Selenskij, seltene Erden, Friedenspläne", ""),
        ("Nach Iran-Krieg-Verzögerung: USA schlagen neuen Termin für Ukraine-Gespräche vor", ""),
        ("Трамп сьогодні зателефонує Путіну: що відомо", ""),
        ("Trump : Zelensky est prêt à abandonner la Crimée", ""),
        # round yl: "closer to the end of the war", foreign soldiers as legitimate targets "of
        # attack" (pl: the strike word inside the phrase does not count), sending one's soldiers
        ("«Мы приблизились к возможному окончанию войны» — Зеленский", ""),
        (
            'Takiej groźby wobec Zachodu jeszcze nie było. "To będą pełnoprawne cele ataku"',
            "Putin zapowiedział, że każdy obcy żołnierz w Ukrainie zostanie uznany za pełnoprawny cel ataku.",
        ),
        ("Германия отказалась обсуждать отправку своих военных на Украину", ""),
    ],
)
def test_the_terms_added_in_rounds_yc_to_yl(profile: TopicProfile, title: str, description: str) -> None:
    assert score_text(profile, title, None, description or None).relevant


@pytest.mark.parametrize(
    ("title", "group"),
    [
        # round yk: "during", "vísperas" and "a pocas horas del" beside a strike; troops sent to Russia
        ("Rusia lanza un ataque masivo de drones contra Ucrania durante negociaciones diplomáticas", "direct_talks"),
        ("Rusia bombardea Kiev vísperas reunión Trump Zelenski", "direct_talks"),
        ("Nuevo ataque de Rusia a Kiev a pocas horas del encuentro entre Zelenski y Trump", "zelensky_meetings"),
        ("La Corea del Nord conferma per la prima volta l'invio di truppe in Russia", "north_korean_troops"),
    ],
)
def test_the_setting_and_look_alikes_of_round_yk(profile: TopicProfile, title: str, group: str) -> None:
    rel = score_text(profile, title, None)
    assert group in rel.matches
    assert not rel.relevant


def test_the_speed_bench_runs_and_finds_the_same_matches(tmp_path: Path) -> None:
    """`bench/relevance_speed.py` on the headlines and summaries only (no corpus): it checks that
    every matcher finds the matches of one `re` alternation per group, and reports the ratio."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("relevance_speed", ROOT / "bench" / "relevance_speed.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    report = bench.run(TOPIC, tmp_path / "no-corpus", rounds=1)
    rows = report["headlines and summaries"]
    assert set(rows) == {"newsmon", "re"} and "body texts" not in report
    assert rows["newsmon"]["texts"] == rows["re"]["texts"] > 1000
    assert rows["re"]["speedup_vs_re"] == 1.0 and rows["newsmon"]["speedup_vs_re"] > 0
    assert report["setup"]["groups"] == len(load_topic(TOPIC).groups)
