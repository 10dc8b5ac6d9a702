"""What `workshops check` tells a content author, in Finnish, Swedish and English.

Every message is a code with named values (`Msg`); its words live in one table,
`MESSAGES`, with the three languages side by side, so a translator reads and fixes them
in one place and no message is built by a chain of `if`s in code. The kinds word their
own config checks beside their models (`Activity.author_checks`); `text()` looks there
after this table.

A `Msg` is also a `str` holding its English text: code that logs or compares messages
keeps working, and `render(lang)` gives the author's language. Values inside a message
can be messages themselves (`Msg`), lists (joined with commas), or `Lang` (a language's
name in the language of the message).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from ..activities.base import Says

#: the languages messages are written in; Finnish first: the authors' guide is Finnish
LANGUAGES = ("fi", "sv", "en")
DEFAULT = "fi"


class Lang(str):
    """A language code that a message shows as the language's name (fi → "suomi")."""

    __slots__ = ()


_LANGUAGE_WORDS = {
    "fi": {"fi": "suomi", "sv": "ruotsi", "en": "englanti"},
    "sv": {"fi": "finska", "sv": "svenska", "en": "engelska"},
    "en": {"fi": "Finnish", "sv": "Swedish", "en": "English"},
}


class ByLang(dict[str, str]):
    """A value a message shows only in some languages (a Finnish field description in a Finnish message)."""


class Msg(str):
    """A message by code and values: its English text as a str, any language by `render`."""

    code: str
    args: Mapping[str, Any]

    def __new__(cls, code: str, /, **args: Any) -> Msg:
        self = super().__new__(cls, _render(code, args, "en"))
        self.code = code
        self.args = args
        return self

    def render(self, lang: str) -> str:
        """The message in `lang` (fi, sv or en)."""
        return _render(self.code, self.args, lang)

    def __reduce__(self) -> Any:  # keep code and values through pickling and copying
        return (_rebuild, (self.code, dict(self.args)))


def _rebuild(code: str, args: dict[str, Any]) -> Msg:
    return Msg(code, **args)


def render(message: str, lang: str) -> str:
    """A message in `lang`; a plain str (from outside the catalogue) as it is."""
    return message.render(lang) if isinstance(message, Msg) else message


def _value(value: Any, lang: str) -> str:
    if isinstance(value, Msg):
        return value.render(lang)
    if isinstance(value, ByLang):
        return value.get(lang, "")
    if isinstance(value, Lang):
        return _LANGUAGE_WORDS[lang].get(value, value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_value(v, lang) for v in value)
    return str(value)


def text(code: str, lang: str) -> str:
    """The template of `code` in `lang`: this table's, or a kind's own check's."""
    says = MESSAGES.get(code)
    if says is None:
        from ..activities import AUTHOR_CHECKS  # the kinds' own wording; imported late: they import text.py

        check = AUTHOR_CHECKS.get(code)
        if check is None:
            raise KeyError(f"no message {code!r} in the catalogue")
        says = check.says
    return says.get(lang)


def _render(code: str, args: Mapping[str, Any], lang: str) -> str:
    return text(code, lang).format(**{k: _value(v, lang) for k, v in args.items()})


def choose_language(flag: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The author's language: `--lang`, else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), else Finnish."""
    if flag:
        return flag
    env = os.environ if environ is None else environ
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        for part in env.get(name, "").split(":"):
            code = part.split("_")[0].split(".")[0].lower()
            if code in LANGUAGES:
                return code
    return DEFAULT


# The catalogue. Keep each message's three languages saying the same thing: what is wrong,
# then what to write instead, the likeliest fix first. `{name}` are the message's values.
MESSAGES: dict[str, Says] = {
    # -- the output of `workshops check` --------------------------------------------------
    "check.warning": Says(en="warning", fi="varoitus", sv="varning"),
    "check.ok": Says(
        en="ok: {file} ({steps} steps)",
        fi="ok: {file} (vaiheita: {steps})",
        sv="ok: {file} (steg: {steps})",
    ),
    "check.summary": Says(
        en="{errors} error(s), {warnings} warning(s) in {packs} pack(s)",
        fi="virheitä {errors}, varoituksia {warnings}, paketteja {packs}",
        sv="fel: {errors}, varningar: {warnings}, paket: {packs}",
    ),
    "check.no_packs": Says(
        en="no packs found (a pack is a folder with a pack.yaml)",
        fi="paketteja ei löytynyt (paketti on kansio, jossa on pack.yaml)",
        sv="inga paket hittades (ett paket är en mapp med en pack.yaml)",
    ),
    "check.no_folder": Says(
        en="The folder {path} does not exist. Give a folder that holds pack folders (each with a pack.yaml), "
        "or one pack's folder, e.g. {example}",
        fi="Kansiota {path} ei ole. Anna kansio, jossa on pakettikansioita (joissa kussakin pack.yaml), "
        "tai yhden paketin kansio, esim. {example}",
        sv="Mappen {path} finns inte. Ange en mapp med paketmappar (var och en med en pack.yaml) "
        "eller ett pakets mapp, t.ex. {example}",
    ),
    # -- reading the file ------------------------------------------------------------------
    "file.unreadable": Says(
        en="cannot read the file: {why}",
        fi="tiedostoa ei voi lukea: {why}",
        sv="filen kan inte läsas: {why}",
    ),
    "folder.unreadable": Says(
        en="cannot read the folder: {why}",
        fi="kansiota ei voi lukea: {why}",
        sv="mappen kan inte läsas: {why}",
    ),
    "file.symlink": Says(
        en="symlinks are not allowed in a pack; copy the file here instead",
        fi="pakettiin ei saa laittaa symbolisia linkkejä; kopioi tiedosto tähän sen sijaan",
        sv="symboliska länkar är inte tillåtna i ett paket; kopiera filen hit i stället",
    ),
    "file.special": Says(
        en="only ordinary files are allowed in a pack",
        fi="paketissa saa olla vain tavallisia tiedostoja",
        sv="i ett paket får det bara finnas vanliga filer",
    ),
    "file.is_folder": Says(
        en="pack.yaml is a folder here; it must be a file",
        fi="pack.yaml on tässä kansio; sen pitää olla tiedosto",
        sv="pack.yaml är en mapp här; den måste vara en fil",
    ),
    "file.too_big": Says(
        en="the file is larger than {kb} kB; split it up",
        fi="tiedosto on yli {kb} kt; jaa se osiin",
        sv="filen är större än {kb} kB; dela upp den",
    ),
    "file.utf16": Says(
        en="the file is saved as UTF-16; save it as UTF-8",
        fi="tiedosto on tallennettu UTF-16-muodossa; tallenna se UTF-8-muodossa",
        sv="filen är sparad som UTF-16; spara den som UTF-8",
    ),
    "file.not_utf8": Says(
        en="the file is not saved as UTF-8: the byte 0x{byte} here is not UTF-8 text (the editor probably used "
        "Latin-1 or Windows-1252); save the file as UTF-8",
        fi="tiedostoa ei ole tallennettu UTF-8-muodossa: tavu 0x{byte} tässä ei ole UTF-8-tekstiä (editori käytti "
        "luultavasti Latin-1- tai Windows-1252-merkistöä); tallenna tiedosto UTF-8-muodossa",
        sv="filen är inte sparad som UTF-8: byten 0x{byte} här är inte UTF-8-text (redigeraren använde troligen "
        "Latin-1 eller Windows-1252); spara filen som UTF-8",
    ),
    "file.control_char": Says(
        en="an invisible control character (U+{code}) is here; delete it",
        fi="tässä on näkymätön ohjausmerkki (U+{code}); poista se",
        sv="här finns ett osynligt styrtecken (U+{code}); ta bort det",
    ),
    "file.empty": Says(
        en="the file is empty; a pack is a map of fields (id:, title:, agenda: ...)",
        fi="tiedosto on tyhjä; paketti on joukko kenttiä (id:, title:, agenda: ...)",
        sv="filen är tom; ett paket är en samling fält (id:, title:, agenda: ...)",
    ),
    "file.not_map": Says(
        en="the file holds {got}; a pack is a map of fields (id:, title:, agenda: ...)",
        fi="tiedostossa on {got}; paketti on joukko kenttiä (id:, title:, agenda: ...)",
        sv="filen innehåller {got}; ett paket är en samling fält (id:, title:, agenda: ...)",
    ),
    # -- YAML syntax -------------------------------------------------------------------------
    "yaml.too_deep": Says(
        en="nesting is too deep (more than {depth} levels); a pack never needs this many",
        fi="sisäkkäisyyttä on liikaa (yli {depth} tasoa); paketti ei koskaan tarvitse näin monta",
        sv="för djup nästling (fler än {depth} nivåer); ett paket behöver aldrig så många",
    ),
    "yaml.too_many_open": Says(
        en="nesting is too deep: more than {depth} [ or {{ are open here and not yet closed; close each with ] or }}",
        fi="sisäkkäisyyttä on liikaa: yli {depth} merkkiä [ tai {{ on tässä auki; sulje kukin merkillä ] tai }}",
        sv="för djup nästling: fler än {depth} [ eller {{ är öppna här; stäng var och en med ] eller }}",
    ),
    "yaml.too_many_values": Says(
        en="the file holds more than {count} values; split it up",
        fi="tiedostossa on yli {count} arvoa; jaa se osiin",
        sv="filen innehåller fler än {count} värden; dela upp den",
    ),
    "yaml.alias_loop": Says(
        en="the alias *{name} is used inside its own anchor &{name}, so it would repeat forever; remove it",
        fi="viittausta *{name} käytetään oman ankkurinsa &{name} sisällä, joten se toistuisi loputtomiin; poista se",
        sv="aliaset *{name} används inuti sitt eget ankare &{name}, så det skulle upprepas i all oändlighet; "
        "ta bort det",
    ),
    "yaml.alias_bomb": Says(
        en="the alias *{name} repeats values that themselves repeat aliases, so the file would grow to more than "
        "{count} values; write the values out instead",
        fi="viittaus *{name} toistaa arvoja, jotka itse toistavat viittauksia, joten tiedosto kasvaisi yli {count} "
        "arvoon; kirjoita arvot auki",
        sv="aliaset *{name} upprepar värden som själva upprepar alias, så filen skulle växa till fler än {count} "
        "värden; skriv ut värdena i stället",
    ),
    "yaml.tag": Says(
        en="the tag {tag} is not allowed in a content pack; remove it "
        "(a pack holds only text, numbers, yes/no values, lists and maps)",
        fi="merkintää {tag} ei saa käyttää paketissa; poista se "
        "(paketissa on vain tekstiä, lukuja, kyllä/ei-arvoja, listoja ja kenttiä)",
        sv="taggen {tag} är inte tillåten i ett paket; ta bort den "
        "(ett paket innehåller bara text, tal, ja/nej-värden, listor och fält)",
    ),
    "yaml.merge_key": Says(
        en="merge keys (<<) are not supported in content packs; write the fields out",
        fi="yhdistämisavaimia (<<) ei voi käyttää paketeissa; kirjoita kentät auki",
        sv="sammanslagningsnycklar (<<) stöds inte i paket; skriv ut fälten",
    ),
    "yaml.key_not_word": Says(
        en="a key must be a plain word, not a list or a map",
        fi="avaimen pitää olla pelkkä sana, ei lista eikä kenttäjoukko",
        sv="en nyckel måste vara ett vanligt ord, inte en lista eller en samling fält",
    ),
    "yaml.duplicate_key": Says(
        en="duplicate key '{key}': it is already set on line {first}; keep only one",
        fi="avain '{key}' on kahdesti: se on jo rivillä {first}; jätä vain toinen",
        sv="nyckeln '{key}' finns två gånger: den finns redan på rad {first}; behåll bara en",
    ),
    "yaml.missing_dash": Says(
        en="'{key}' is set again here (first on line {first}): does a new item start on this line? Then begin it "
        "with a dash: `- {key}: {value}`, lined up with the `- ` on line {dash}. If not, keep only one '{key}'",
        fi="'{key}' annetaan tässä uudestaan (ensin rivillä {first}): alkaako tästä uusi kohta? Aloita se silloin "
        "viivalla: `- {key}: {value}`, samaan kohtaan kuin rivin {dash} `- `. Jos ei, jätä vain yksi '{key}'",
        sv="'{key}' anges här igen (först på rad {first}): börjar en ny punkt på den här raden? Börja den då "
        "med ett streck: `- {key}: {value}`, i linje med `- ` på rad {dash}. Om inte, behåll bara en rad med '{key}'",
    ),
    "yaml.number_too_long": Says(
        en="this number is too long; if it is text, put it in quotes",
        fi="tämä luku on liian pitkä; jos se on tekstiä, laita se lainausmerkkeihin",
        sv="det här talet är för långt; om det är text, sätt det inom citattecken",
    ),
    "yaml.tag_value": Says(
        en="'{value}' cannot be read as {what}; remove the tag {tag}",
        fi="arvoa '{value}' ei voi lukea muodossa {what}; poista merkintä {tag}",
        sv="'{value}' kan inte läsas som {what}; ta bort taggen {tag}",
    ),
    "yaml.tab": Says(
        en="a tab character at the start of line {line}: YAML indents with spaces only, and a tab is invisible in "
        "most editors; replace the tab at the start of line {line} with spaces, lined up with the lines above",
        fi="rivin {line} alussa on sarkain (tab): YAML sisennetään vain välilyönneillä, eikä sarkainta näe "
        "useimmissa editoreissa; korvaa rivin {line} alun sarkain välilyönneillä, samaan kohtaan kuin ylemmät rivit",
        sv="i början av rad {line} finns ett tabbtecken: YAML drar in med mellanslag, och en tabb syns inte i de "
        "flesta redigerare; ersätt tabben i början av rad {line} med mellanslag, i linje med raderna ovanför",
    ),
    "yaml.tab_inside": Says(
        en="a tab character on line {line}: YAML reads a tab here as the wrong indentation, and a tab is invisible "
        "in most editors; replace it with a space",
        fi="rivillä {line} on sarkain (tab): YAML lukee sen tässä vääräksi sisennykseksi, eikä sarkainta näe "
        "useimmissa editoreissa; korvaa se välilyönnillä",
        sv="på rad {line} finns ett tabbtecken: YAML läser tabben här som fel indrag, och en tabb syns inte i de "
        "flesta redigerare; ersätt den med ett mellanslag",
    ),
    "yaml.bad_start": Says(
        en="a value cannot start with {char}; put the whole text in quotes",
        fi="arvo ei voi alkaa merkillä {char}; laita koko teksti lainausmerkkeihin",
        sv="ett värde kan inte börja med {char}; sätt hela texten inom citattecken",
    ),
    "yaml.alias_start": Says(
        en="a value cannot start with {char} (YAML reads it as an alias); put the whole text in quotes",
        fi="arvo ei voi alkaa merkillä {char} (YAML lukee sen viittaukseksi); laita koko teksti lainausmerkkeihin",
        sv="ett värde kan inte börja med {char} (YAML läser det som ett alias); sätt hela texten inom citattecken",
    ),
    "yaml.undefined_alias": Says(
        en="*{name} names no anchor &{name} above it; if the * is part of the text, put the whole text in quotes",
        fi="*{name} viittaa ankkuriin &{name}, jota ei ole yläpuolella; jos * kuuluu tekstiin, laita koko teksti "
        "lainausmerkkeihin",
        sv="*{name} pekar på ett ankare &{name} som inte finns ovanför; om * hör till texten, sätt hela texten "
        "inom citattecken",
    ),
    "yaml.duplicate_anchor": Says(
        en="this anchor name is already used on line {first}; give each anchor its own name",
        fi="tämä ankkurin nimi on jo käytössä rivillä {first}; anna jokaiselle ankkurille oma nimi",
        sv="det här ankarnamnet används redan på rad {first}; ge varje ankare ett eget namn",
    ),
    "yaml.colon": Says(
        en="a colon followed by a space (': ') inside a text: put the whole text in quotes{example}",
        fi="tekstin sisällä on kaksoispiste ja välilyönti (': '): laita koko teksti lainausmerkkeihin{example}",
        sv="ett kolon följt av mellanslag (': ') inuti en text: sätt hela texten inom citattecken{example}",
    ),
    "yaml.colon_example": Says(
        en=', e.g. {key}: "{value}"',
        fi=', esim. {key}: "{value}"',
        sv=', t.ex. {key}: "{value}"',
    ),
    "yaml.colon_folded": Says(
        en="a colon followed by a space (': ') inside a text that goes on over several lines: put the whole text "
        "in quotes, or write `{key}: |` and the text on the lines below it",
        fi="useammalle riville jatkuvan tekstin sisällä on kaksoispiste ja välilyönti (': '): laita koko teksti "
        "lainausmerkkeihin, tai kirjoita `{key}: |` ja teksti sen alle",
        sv="ett kolon följt av mellanslag (': ') inuti en text som fortsätter över flera rader: sätt hela texten "
        "inom citattecken, eller skriv `{key}: |` och texten på raderna under",
    ),
    "yaml.indent_deeper": Says(
        en="this line is indented deeper than the one above it, which already has a value; "
        "remove the extra spaces or move the line",
        fi="tämä rivi on sisennetty syvemmälle kuin ylempi rivi, jolla on jo arvo; poista ylimääräiset välilyönnit "
        "tai siirrä rivi",
        sv="den här raden är indragen djupare än raden ovanför, som redan har ett värde; ta bort de extra "
        "mellanslagen eller flytta raden",
    ),
    "yaml.dash_after_key": Says(
        en="a list item (- ...) cannot follow a key on the same line: put it on its own line below, indented",
        fi="listan kohta (- ...) ei voi olla samalla rivillä avaimen kanssa: siirrä se omalle rivilleen alle, "
        "sisennettynä",
        sv="en listpunkt (- ...) kan inte stå på samma rad som en nyckel: flytta den till en egen rad nedanför, "
        "indragen",
    ),
    "yaml.quote_not_closed": Says(
        en="this quote is never closed: add the closing quote at the end of the text",
        fi="tämä lainausmerkki ei sulkeudu: lisää loppulainausmerkki tekstin loppuun",
        sv="det här citattecknet stängs aldrig: lägg till det avslutande citattecknet i slutet av texten",
    ),
    "yaml.backslash": Says(
        en="a backslash (\\) inside double quotes starts a special character; "
        "use single quotes ('...') or write two backslashes (\\\\)",
        fi="kenoviiva (\\) lainausmerkkien sisällä aloittaa erikoismerkin; käytä heittomerkkejä ('...') "
        "tai kirjoita kaksi kenoviivaa (\\\\)",
        sv="ett omvänt snedstreck (\\) inom dubbla citattecken inleder ett specialtecken; använd enkla citattecken "
        "('...') eller skriv två omvända snedstreck (\\\\)",
    ),
    "yaml.no_colon": Says(
        en="this line is not `key: value`: add a colon and a space after the key, "
        "or indent the line if it continues the text above",
        fi="tämä rivi ei ole muotoa `avain: arvo`: lisää avaimen perään kaksoispiste ja välilyönti, "
        "tai sisennä rivi, jos se jatkaa ylempää tekstiä",
        sv="den här raden är inte `nyckel: värde`: lägg till ett kolon och ett mellanslag efter nyckeln, "
        "eller dra in raden om den fortsätter texten ovanför",
    ),
    "yaml.second_document": Says(
        en="a pack file holds a single document: remove this `---` line and anything after it that is not the pack",
        fi="pakettitiedostossa on vain yksi dokumentti: poista tämä `---`-rivi ja kaikki sen jälkeen, mikä ei "
        "kuulu pakettiin",
        sv="en paketfil innehåller ett enda dokument: ta bort raden `---` och allt efter den som inte hör till paketet",
    ),
    "yaml.after_quote": Says(
        en="text after a closing quote: put the whole text inside the quotes",
        fi="loppulainausmerkin jälkeen on tekstiä: laita koko teksti lainausmerkkien sisään",
        sv="text efter ett avslutande citattecken: sätt hela texten inom citattecknen",
    ),
    "yaml.quote_inside_double": Says(
        en='a " inside a text written in "double quotes" ends the text early: write the whole text in single '
        "quotes instead ('...\"...\"...'), or use the typographic quotes ” ” inside it",
        fi='"lainausmerkkeihin" kirjoitetun tekstin sisällä oleva " päättää tekstin liian aikaisin: kirjoita koko '
        "teksti heittomerkkeihin ('...\"...\"...'), tai käytä tekstin sisällä kirjapainon lainausmerkkejä ” ”",
        sv='ett " inuti en text skriven inom "dubbla citattecken" avslutar texten för tidigt: skriv hela texten inom '
        "enkla citattecken ('...\"...\"...'), eller använd typografiska citattecken ” ” inuti den",
    ),
    "yaml.quote_inside_single": Says(
        en="an apostrophe (') inside a text written in 'single quotes' ends the text early: write it twice (it''s), "
        'or write the whole text in double quotes ("...")',
        fi="'heittomerkkeihin' kirjoitetun tekstin sisällä oleva heittomerkki (') päättää tekstin liian aikaisin: "
        "kirjoita se kahdesti (''), tai kirjoita koko teksti lainausmerkkeihin (\"...\")",
        sv="en apostrof (') inuti en text skriven inom 'enkla citattecken' avslutar texten för tidigt: skriv den två "
        "gånger (''), eller skriv hela texten inom dubbla citattecken (\"...\")",
    ),
    "yaml.item_not_lined_up": Says(
        en="this list item (- ...) is not indented like the key or the list it belongs to; "
        "line it up with the other items",
        fi="tätä listan kohtaa (- ...) ei ole sisennetty samoin kuin avainta tai listaa, johon se kuuluu; "
        "aseta se samaan kohtaan kuin muut kohdat",
        sv="den här listpunkten (- ...) är inte indragen som nyckeln eller listan den hör till; "
        "ställ den i linje med de andra punkterna",
    ),
    "yaml.dash_missing_here": Says(
        en="this line stands where the list's items (- ...) start, but has no dash: if a new item starts here, "
        "write `- ` before `{key}`; if the line belongs to the item above, indent it like that item's other keys",
        fi="tämä rivi on samassa kohdassa kuin listan kohdat (- ...), mutta siitä puuttuu viiva: jos tästä alkaa "
        "uusi kohta, kirjoita `- ` ennen sanaa `{key}`; jos rivi kuuluu ylempään kohtaan, sisennä se kuten sen "
        "muut avaimet",
        sv="den här raden står där listans punkter (- ...) börjar, men saknar streck: om en ny punkt börjar här, "
        "skriv `- ` före `{key}`; om raden hör till punkten ovanför, dra in den som punktens andra nycklar",
    ),
    "yaml.indent_differs": Says(
        en="this line is indented differently from the lines above it: "
        "line it up with the other keys of the same block, using spaces",
        fi="tämä rivi on sisennetty eri tavalla kuin ylemmät rivit: aseta se välilyönneillä samaan kohtaan kuin "
        "saman kohdan muut avaimet",
        sv="den här raden är indragen annorlunda än raderna ovanför: ställ den med mellanslag i linje med de "
        "andra nycklarna i samma block",
    ),
    "yaml.bracket_open": Says(
        en="the {bracket} opened{opened} is not closed with {close}, or its items are not separated by commas; "
        "put texts containing , ? [ ] {{ }} or : in quotes",
        fi="merkkiä {bracket}{opened} ei ole suljettu merkillä {close}, tai sen kohtia ei ole erotettu pilkuilla; "
        "laita tekstit, joissa on , ? [ ] {{ }} tai :, lainausmerkkeihin",
        sv="{bracket}{opened} stängs inte med {close}, eller så är dess punkter inte åtskilda med kommatecken; "
        "sätt texter med , ? [ ] {{ }} eller : inom citattecken",
    ),
    "yaml.opened_on": Says(en=" on line {line}", fi=" (rivillä {line})", sv=" (på rad {line})"),
    "yaml.flow_not_closed": Says(
        en="a [ or {{ is not closed: close it, or put the text in quotes",
        fi="merkkiä [ tai {{ ei ole suljettu: sulje se, tai laita teksti lainausmerkkeihin",
        sv="en [ eller {{ är inte stängd: stäng den, eller sätt texten inom citattecken",
    ),
    "yaml.syntax": Says(
        en="YAML syntax error: {what}",
        fi="YAML-kielioppivirhe: {what} (tarkista tämän ja edellisen rivin sisennys ja lainausmerkit)",
        sv="YAML-syntaxfel: {what} (kontrollera indrag och citattecken på den här och föregående rad)",
    ),
    "yaml.number_in_directive": Says(
        en="YAML syntax error: a number in the file is too long to read",
        fi="YAML-kielioppivirhe: tiedostossa on liian pitkä luku",
        sv="YAML-syntaxfel: ett tal i filen är för långt för att läsas",
    ),
    "yaml.comment_cuts": Says(
        en="the text ends at '{kept}': YAML reads everything from ' #' on as a comment, so '{cut}' is left out; "
        'if the # belongs to the text, put the whole text in quotes: {key}"{whole}"; if it is a comment, '
        "move it to a line of its own",
        fi="teksti loppuu kohtaan '{kept}': YAML lukee kaiken merkistä ' #' alkaen kommentiksi, joten '{cut}' "
        'jää pois; jos # kuuluu tekstiin, laita koko teksti lainausmerkkeihin: {key}"{whole}"; jos se on '
        "kommentti, siirrä se omalle rivilleen",
        sv="texten slutar vid '{kept}': YAML läser allt från ' #' som en kommentar, så '{cut}' faller bort; "
        'om # hör till texten, sätt hela texten inom citattecken: {key}"{whole}"; om det är en kommentar, '
        "flytta den till en egen rad",
    ),
    # -- the values YAML read, as an author sees them ---------------------------------------
    "got.yes_no_raw": Says(
        en="{raw}, which YAML reads as {word} (a yes/no value)",
        fi="{raw}, jonka YAML lukee arvoksi {word} (kyllä/ei-arvo)",
        sv="{raw}, som YAML läser som {word} (ett ja/nej-värde)",
    ),
    "got.yes_no": Says(en="{word} (a yes/no value)", fi="{word} (kyllä/ei-arvo)", sv="{word} (ett ja/nej-värde)"),
    "got.number_raw": Says(
        en="{raw}, which YAML reads as the number {number}",
        fi="{raw}, jonka YAML lukee luvuksi {number}",
        sv="{raw}, som YAML läser som talet {number}",
    ),
    "got.number": Says(en="the number {number}", fi="luku {number}", sv="talet {number}"),
    "got.comment": Says(
        en="nothing (YAML reads everything from # on as a comment)",
        fi="tyhjä (YAML lukee kaiken merkistä # alkaen kommentiksi)",
        sv="ingenting (YAML läser allt från # som en kommentar)",
    ),
    "got.null_raw": Says(
        en="{raw}, which YAML reads as nothing (an empty value)",
        fi="{raw}, jonka YAML lukee tyhjäksi arvoksi",
        sv="{raw}, som YAML läser som ingenting (ett tomt värde)",
    ),
    "got.nothing": Says(en="nothing", fi="tyhjä", sv="ingenting"),
    "got.list": Says(en="a list", fi="lista", sv="en lista"),
    "got.map": Says(en="a map", fi="joukko kenttiä (avain: arvo)", sv="en samling fält (nyckel: värde)"),
    "got.text": Says(en="the text '{text}'", fi="teksti '{text}'", sv="texten '{text}'"),
    # -- what a field expects -------------------------------------------------------------
    "expect.text": Says(en="text", fi="tekstiä", sv="text"),
    "expect.int": Says(en="a whole number", fi="kokonaisluku", sv="ett heltal"),
    "expect.float": Says(en="a number", fi="luku", sv="ett tal"),
    "expect.bool": Says(en="true or false", fi="true tai false", sv="true eller false"),
    "expect.list": Says(
        en="a list (lines starting with '- ')",
        fi="lista (rivejä, jotka alkavat '- ')",
        sv="en lista (rader som börjar med '- ')",
    ),
    "expect.map": Says(
        en="a map (key: value lines)",
        fi="joukko kenttiä (rivejä muotoa avain: arvo)",
        sv="en samling fält (rader nyckel: värde)",
    ),
    # -- the fields -------------------------------------------------------------------------
    "field.missing": Says(
        en="missing required field '{key}'{what}; add `{key}:` to {container}",
        fi="pakollinen kenttä '{key}'{what} puuttuu; lisää `{key}:` {container}",
        sv="det obligatoriska fältet '{key}'{what} saknas; lägg till `{key}:` {container}",
    ),
    "container.pack": Says(en="the pack", fi="pakettiin", sv="i paketet"),
    "container.step": Says(en="this step", fi="tähän vaiheeseen", sv="i det här steget"),
    "container.item": Says(
        en="this item of `{list}`", fi="tähän listan `{list}` kohtaan", sv="i den här punkten i `{list}`"
    ),
    "container.map": Says(en="`{key}`", fi="kohtaan `{key}`", sv="under `{key}`"),
    "field.unknown": Says(
        en="unknown field '{key}'{hint}",
        fi="tuntematon kenttä '{key}'{hint}",
        sv="okänt fält '{key}'{hint}",
    ),
    "hint.did_you_mean": Says(
        en="; did you mean '{close}'?", fi="; tarkoititko '{close}'?", sv="; menade du '{close}'?"
    ),
    "hint.fields_here": Says(
        en="; the fields here are: {names}", fi="; tässä käyvät kentät: {names}", sv="; fälten här är: {names}"
    ),
    "kind.not_text": Says(
        en="expected the step's kind, got {got}; write one of: {kinds}",
        fi="tähän kuuluu vaiheen laji, nyt on {got}; kirjoita jokin näistä: {kinds}",
        sv="här ska stegets typ stå, nu står {got}; skriv en av: {kinds}",
    ),
    "kind.unknown": Says(
        en="unknown step kind '{kind}'; {hint}: {kinds}",
        fi="tuntematon vaiheen laji '{kind}'; {hint}: {kinds}",
        sv="okänd stegtyp '{kind}'; {hint}: {kinds}",
    ),
    "kind.did_you_mean": Says(
        en="did you mean '{close}'? the kinds are",
        fi="tarkoititko '{close}'? lajit ovat",
        sv="menade du '{close}'? typerna är",
    ),
    "kind.the_kinds": Says(en="the kinds are", fi="lajit ovat", sv="typerna är"),
    "kind.missing": Says(
        en="this step has no `kind:`; add `kind:` with one of: {kinds}",
        fi="tältä vaiheelta puuttuu `kind:`; lisää `kind:` ja jokin näistä: {kinds}",
        sv="det här steget saknar `kind:`; lägg till `kind:` med en av: {kinds}",
    ),
    "value.expected": Says(
        en="expected {expected}, got {got}{hint}",
        fi="tähän kuuluu {expected}, nyt on {got}{hint}",
        sv="här ska det stå {expected}, nu står {got}{hint}",
    ),
    "hint.quote": Says(
        en="; put the text in quotes", fi="; laita teksti lainausmerkkeihin", sv="; sätt texten inom citattecken"
    ),
    "hint.quote_as": Says(
        en='; put the text in quotes: {prefix}"{shown}"',
        fi='; laita teksti lainausmerkkeihin: {prefix}"{shown}"',
        sv='; sätt texten inom citattecken: {prefix}"{shown}"',
    ),
    "hint.write_after_key": Says(
        en="; write the text after `{key}:`",
        fi="; kirjoita teksti kohdan `{key}:` perään",
        sv="; skriv texten efter `{key}:`",
    ),
    "hint.write_after_dash": Says(
        en="; write the text after the -", fi="; kirjoita teksti viivan perään", sv="; skriv texten efter strecket"
    ),
    "text.colon_made_map": Says(
        en='put the whole text in quotes: - "{key}: {value}"; the colon and the space after it make YAML read '
        "it as a key and its value, not as a text",
        fi='laita koko teksti lainausmerkkeihin: - "{key}: {value}"; kaksoispiste ja sen perässä oleva välilyönti '
        "saavat YAMLin lukemaan sen avaimeksi ja arvoksi eikä tekstiksi",
        sv='sätt hela texten inom citattecken: - "{key}: {value}"; kolonet och mellanslaget efter det får YAML att '
        "läsa den som en nyckel och dess värde, inte som en text",
    ),
    "hint.unquote": Says(en="; remove the quotes", fi="; poista lainausmerkit", sv="; ta bort citattecknen"),
    "expect.digits": Says(
        en="{what} written with digits (e.g. 15)",
        fi="{what} numeroin kirjoitettuna (esim. 15)",
        sv="{what} skrivet med siffror (t.ex. 15)",
    ),
    "hint.write_number": Says(
        en="; write a number after `{key}:`",
        fi="; kirjoita luku kohdan `{key}:` perään",
        sv="; skriv ett tal efter `{key}:`",
    ),
    "hint.write_bool": Says(en="; write true or false", fi="; kirjoita true tai false", sv="; skriv true eller false"),
    "hint.as_list": Says(
        en="; write {key}: [{value}]", fi="; kirjoita {key}: [{value}]", sv="; skriv {key}: [{value}]"
    ),
    "step.not_map": Says(
        en="each step must be a map of fields (id:, kind:, title: ...), got {got}",
        fi="jokaisen vaiheen pitää olla joukko kenttiä (id:, kind:, title: ...), nyt on {got}",
        sv="varje steg måste vara en samling fält (id:, kind:, title: ...), nu står {got}",
    ),
    "value.one_of": Says(
        en="expected one of: {options}; got {got}{hint}",
        fi="tähän kuuluu jokin näistä: {options}; nyt on {got}{hint}",
        sv="här ska det stå en av: {options}; nu står {got}{hint}",
    ),
    "id.invalid": Says(
        en="'{value}' is not a valid id: use only lower-case letters a-z, digits, - and _ (at most 40 characters)"
        "{example}",
        fi="'{value}' ei kelpaa tunnukseksi: käytä vain pieniä kirjaimia a-z, numeroita, - ja _ (enintään 40 merkkiä)"
        "{example}",
        sv="'{value}' duger inte som id: använd bara små bokstäver a-z, siffror, - och _ (högst 40 tecken){example}",
    ),
    "id.example": Says(en=", e.g. '{slug}'", fi=", esim. '{slug}'", sv=", t.ex. '{slug}'"),
    "text.empty": Says(
        en="the text is empty; write the text or remove the line",
        fi="teksti on tyhjä; kirjoita teksti tai poista rivi",
        sv="texten är tom; skriv texten eller ta bort raden",
    ),
    "list.too_short_steps": Says(
        en="needs at least {n} step(s), but has {actual}",
        fi="vaiheita pitää olla vähintään {n}, nyt niitä on {actual}",
        sv="det behövs minst {n} steg, nu finns {actual}",
    ),
    "list.too_short": Says(
        en="needs at least {n} item(s), but has {actual}",
        fi="kohtia pitää olla vähintään {n}, nyt niitä on {actual}",
        sv="det behövs minst {n} punkter, nu finns {actual}",
    ),
    "list.too_long": Says(
        en="can have at most {n} items, but has {actual}; remove {extra}",
        fi="kohtia saa olla enintään {n}, nyt niitä on {actual}; poista {extra}",
        sv="det får finnas högst {n} punkter, nu finns {actual}; ta bort {extra}",
    ),
    "number.ge": Says(
        en="must be at least {bound}, got {got}",
        fi="pitää olla vähintään {bound}, nyt on {got}",
        sv="måste vara minst {bound}, nu står {got}",
    ),
    "number.le": Says(
        en="must be at most {bound}, got {got}",
        fi="saa olla enintään {bound}, nyt on {got}",
        sv="får vara högst {bound}, nu står {got}",
    ),
    "number.gt": Says(
        en="must be more than {bound}, got {got}",
        fi="pitää olla yli {bound}, nyt on {got}",
        sv="måste vara mer än {bound}, nu står {got}",
    ),
    "number.lt": Says(
        en="must be less than {bound}, got {got}",
        fi="pitää olla alle {bound}, nyt on {got}",
        sv="måste vara mindre än {bound}, nu står {got}",
    ),
    "text.too_long": Says(
        en="the text is {actual} characters long; at most {n} fit here: shorten it",
        fi="tekstissä on {actual} merkkiä; tähän mahtuu enintään {n}: lyhennä sitä",
        sv="texten är {actual} tecken lång; här ryms högst {n}: korta den",
    ),
    "text.too_short": Says(
        en="the text is too short: write at least {n} characters",
        fi="teksti on liian lyhyt: kirjoita vähintään {n} merkkiä",
        sv="texten är för kort: skriv minst {n} tecken",
    ),
    "value.other": Says(
        en="{detail}",
        fi="tämä arvo ei käy tähän ({detail})",
        sv="det här värdet passar inte här ({detail})",
    ),
    # -- the models' own checks (PydanticCustomError types) --------------------------------
    "missing_translation": Says(
        en="missing translation: {missing}; write the text as a map with a line for each language: {lines}",
        fi="käännös puuttuu: {missing}; kirjoita teksti niin, että kullekin kielelle on oma rivinsä: {lines}",
        sv="översättning saknas: {missing}; skriv texten med en rad för varje språk: {lines}",
    ),
    "missing_translation_one": Says(
        en="missing translation: {name} ({lang}); add a line `{lang}: ...` to this text",
        fi="käännös puuttuu: {name} ({lang}); lisää tähän tekstiin rivi `{lang}: ...`",
        sv="översättning saknas: {name} ({lang}); lägg till en rad `{lang}: ...` i den här texten",
    ),
    "unknown_language": Says(
        en="unknown language '{lang}'{hint}; the languages are fi, sv and en",
        fi="tuntematon kieli '{lang}'{hint}; kielet ovat fi, sv ja en",
        sv="okänt språk '{lang}'{hint}; språken är fi, sv och en",
    ),
    "language_meant": Says(en=" ({name} is {code})", fi=" ({name} on {code})", sv=" ({name} är {code})"),
    "lang.with_code": Says(en="{name} ({code})", fi="{name} ({code})", sv="{name} ({code})"),
    "empty_text": Says(
        en="the text is empty; write the text or remove the line",
        fi="teksti on tyhjä; kirjoita teksti tai poista rivi",
        sv="texten är tom; skriv texten eller ta bort raden",
    ),
    "image_path": Says(
        en="put the image directly in the pack's folder and write just its file name, e.g. kuva.svg",
        fi="laita kuva suoraan paketin kansioon ja kirjoita vain tiedoston nimi, esim. kuva.svg",
        sv="lägg bilden direkt i paketets mapp och skriv bara filnamnet, t.ex. bild.svg",
    ),
    "image_type": Says(
        en="an image must be an .svg, .png, .jpg or .webp file",
        fi="kuvan pitää olla .svg-, .png-, .jpg- tai .webp-tiedosto",
        sv="en bild måste vara en .svg-, .png-, .jpg- eller .webp-fil",
    ),
    "image_missing": Says(
        en="the image file '{name}' is not in the pack's folder {folder}{hint}",
        fi="kuvatiedostoa '{name}' ei ole paketin kansiossa {folder}{hint}",
        sv="bildfilen '{name}' finns inte i paketets mapp {folder}{hint}",
    ),
    "image_other_case": Says(
        en="; it is named '{other}': write the name exactly, capital letters too",
        fi="; sen nimi on '{other}': kirjoita nimi täsmälleen samoin, myös isot kirjaimet",
        sv="; den heter '{other}': skriv namnet exakt likadant, också stora bokstäver",
    ),
    "image_put_there": Says(
        en="; put the image there, or correct the name",
        fi="; laita kuva sinne, tai korjaa nimi",
        sv="; lägg bilden där, eller rätta namnet",
    ),
    "image_close": Says(en="; did you mean '{other}'?", fi="; tarkoititko '{other}'?", sv="; menade du '{other}'?"),
    "id_reused": Says(
        en="{what} id '{id}' is used twice; every {what} needs its own id",
        fi="tunnus '{id}' on käytössä kahdesti ({what}); jokainen tarvitsee oman tunnuksen",
        sv="id '{id}' används två gånger ({what}); var och en behöver ett eget id",
    ),
    "id_reused_at": Says(
        en="{what} id '{id}' is already used by the {what} on line {first}; every {what} needs its own id",
        fi="tunnus '{id}' on jo käytössä rivillä {first} ({what}); jokainen tarvitsee oman tunnuksen",
        sv="id '{id}' används redan på rad {first} ({what}); var och en behöver ett eget id",
    ),
    "what.step": Says(en="step", fi="vaihe", sv="steg"),
    "what.option": Says(en="option", fi="vaihtoehto", sv="alternativ"),
    "what.station": Says(en="station", fi="rasti", sv="station"),
    "what.item": Says(en="item", fi="kohta", sv="punkt"),
    "what.pair": Says(en="pair", fi="pari", sv="par"),
    "what.category": Says(en="category", fi="ryhmä", sv="grupp"),
    "what.node": Says(en="node", fi="tilanne", sv="situation"),
    "what.way": Says(en="way", fi="tapa", sv="sätt"),
    "what.character": Says(en="character", fi="hahmo", sv="figur"),
    "what.card": Says(en="card", fi="kortti", sv="kort"),
    "what.chance card": Says(en="chance card", fi="sattumakortti", sv="chanskort"),
    "what.placeholder": Says(en="placeholder", fi="paikkamerkki", sv="platshållare"),
    "what.spot": Says(en="spot", fi="kohta kuvassa", sv="plats i bilden"),
    "what.choice": Says(en="choice", fi="valinta", sv="val"),
    "what.meter": Says(en="meter", fi="mittari", sv="mätare"),
    "what.flag": Says(en="flag", fi="merkki", sv="flagga"),
    "what.section": Says(en="section", fi="osio", sv="avsnitt"),
    "what.line": Says(en="line", fi="apunumero", sv="hjälplinje"),
    "what.statement": Says(en="statement", fi="väittämä", sv="påstående"),
    "unknown_option": Says(
        en="unknown option id '{id}'; the options are: {known}",
        fi="tuntematon vaihtoehdon tunnus '{id}'; vaihtoehdot ovat: {known}",
        sv="okänt alternativ-id '{id}'; alternativen är: {known}",
    ),
    "ages_missing": Says(
        en="write the ages (min_age and max_age), or `adults: true` for a workshop for adults",
        fi="kirjoita ikäryhmä (min_age ja max_age), tai `adults: true`, jos työpaja on aikuisille",
        sv="skriv åldrarna (min_age och max_age), eller `adults: true` för en verkstad för vuxna",
    ),
    "ages_reversed": Says(
        en="max_age ({max_age}) is smaller than min_age ({min_age}); swap them",
        fi="max_age ({max_age}) on pienempi kuin min_age ({min_age}); vaihda ne päittäin",
        sv="max_age ({max_age}) är mindre än min_age ({min_age}); byt plats på dem",
    ),
    "paced_unknown": Says(
        en="self_paced names the step '{id}', which is not in the agenda; write one of the steps' ids: {known}",
        fi="self_paced-listassa on vaihe '{id}', jota ei ole vaiheissa (agenda); kirjoita jonkin vaiheen tunnus: "
        "{known}",
        sv="self_paced nämner steget '{id}', som inte finns bland stegen (agenda); skriv id för ett av stegen: {known}",
    ),
    "paced_kind": Says(
        en="the step '{id}' is a {kind}, which nobody can do at their own pace; self_paced can list these kinds: "
        "{kinds}",
        fi="vaihe '{id}' on lajia {kind}, jota ei voi tehdä omaan tahtiin; self_paced-listaan käyvät lajit: {kinds}",
        sv="steget '{id}' är av typen {kind}, som ingen kan göra i egen takt; i self_paced passar typerna: {kinds}",
    ),
    "paced_team": Says(
        en="the step '{id}' is answered by teams, and a self-paced session has no teams: write `answer_by: "
        "individual` in the step, or leave it out of self_paced",
        fi="vaiheeseen '{id}' vastataan tiimeinä, eikä omaan tahtiin tehdyssä työpajassa ole tiimejä: kirjoita "
        "vaiheeseen `answer_by: individual` tai jätä se pois self_paced-listasta",
        sv="steget '{id}' besvaras i lag, och i egen takt finns inga lag: skriv `answer_by: individual` i steget, "
        "eller lämna det utanför self_paced",
    ),
    "paced_twice": Says(
        en="self_paced names the step '{id}' twice; name each step once",
        fi="self_paced-listassa on vaihe '{id}' kahdesti; mainitse kukin vaihe kerran",
        sv="self_paced nämner steget '{id}' två gånger; nämn varje steg en gång",
    ),
    "placeholder_reserved": Says(
        en="{{apu}} is the shared help lines' placeholder; choose another id",
        fi="{{apu}} on yhteisten apunumeroiden paikkamerkki; valitse toinen tunnus",
        sv="{{apu}} är platshållaren för de gemensamma hjälplinjerna; välj ett annat id",
    ),
    "pack.id_folder": Says(
        en="the id '{ident}' must match the folder name '{name}': write `id: {name}`, or rename the folder to "
        "'{ident}'",
        fi="tunnuksen '{ident}' pitää olla sama kuin kansion nimi '{name}': kirjoita `id: {name}`, tai nimeä kansio "
        "uudelleen nimellä '{ident}'",
        sv="id '{ident}' måste vara samma som mappens namn '{name}': skriv `id: {name}`, eller byt namn på mappen "
        "till '{ident}'",
    ),
    "pack.minutes": Says(
        en="the agenda's steps plan {planned} minutes in all, but the pack says {minutes}; "
        "change `minutes:` or the steps' minutes so that they agree",
        fi="vaiheiden minuutit ovat yhteensä {planned}, mutta paketissa lukee {minutes}; "
        "muuta kohtaa `minutes:` tai vaiheiden minuutteja niin, että ne täsmäävät",
        sv="stegen planerar {planned} minuter sammanlagt, men paketet säger {minutes}; "
        "ändra `minutes:` eller stegens minuter så att de stämmer",
    ),
    "pack.minutes_barometer": Says(
        en="the agenda's steps plan {planned} minutes in all, {barometer} of them for the closing barometer, but the "
        "pack says {minutes}; make room for the barometer by shortening other steps, or change `minutes:`, so that "
        "they agree",
        fi="vaiheiden minuutit ovat yhteensä {planned}, joista loppubarometri vie {barometer}, mutta paketissa lukee "
        "{minutes}; tee barometrille tilaa lyhentämällä muita vaiheita tai muuta kohtaa `minutes:` niin, että ne "
        "täsmäävät",
        sv="stegen planerar {planned} minuter sammanlagt, varav slutbarometern tar {barometer}, men paketet säger "
        "{minutes}; gör plats för barometern genom att korta andra steg, eller ändra `minutes:`, så att de stämmer",
    ),
    # -- the closing barometer (`barometer: true`, _shared/barometri.yaml) -----------------------
    "barometer.twice": Says(
        en="the pack has `barometer: true` and its own barometer step as well; keep one: remove this step, or remove "
        "the `barometer:` line to keep your own statements",
        fi="paketissa on rivi `barometer: true` ja lisäksi oma barometrivaihe; pidä vain toinen: poista tämä vaihe, "
        "tai poista `barometer:`-rivi, jos haluat pitää omat väittämäsi",
        sv="paketet har raden `barometer: true` och dessutom ett eget barometersteg; behåll bara det ena: ta bort det "
        "här steget, eller ta bort raden `barometer:` om du vill behålla dina egna påståenden",
    ),
    "barometer.no_file": Says(
        en="the closing barometer's statements are missing: there is no _shared/barometri.yaml, not even the kit's "
        "own; install the kit again, or remove the `barometer:` line",
        fi="loppubarometrin väittämät puuttuvat: tiedostoa _shared/barometri.yaml ei löydy, ei edes pakin omaa; "
        "asenna pakki uudelleen tai poista `barometer:`-rivi",
        sv="slutbarometerns påståenden saknas: filen _shared/barometri.yaml finns inte, inte ens verkstadslådans "
        "egen; installera verkstadslådan på nytt eller ta bort raden `barometer:`",
    ),
    "barometer.bad_file": Says(
        en="this file needs `step:` (the barometer step's fields) and `{group}:` with a list `statements:`; compare "
        "it with the kit's own content/_shared/barometri.yaml",
        fi="tiedostossa pitää olla `step:` (barometrivaiheen kentät) ja `{group}:`, jossa on lista `statements:`; "
        "vertaa sitä pakin omaan tiedostoon content/_shared/barometri.yaml",
        sv="filen behöver `step:` (barometerstegets fält) och `{group}:` med listan `statements:`; jämför den med "
        "verkstadslådans egen content/_shared/barometri.yaml",
    ),
    "barometer.extra_id": Says(
        en="a standard statement already has the id '{id}'; give your own statement another id (the standard ones "
        "are: {known})",
        fi="tavallisella väittämällä on jo tunnus '{id}'; anna omalle väittämällesi toinen tunnus (tavalliset ovat: "
        "{known})",
        sv="ett standardpåstående har redan id:t '{id}'; ge ditt eget påstående ett annat id (standardpåståendena "
        "är: {known})",
    ),
    "barometer_not_last": Says(
        en="the closing barometer '{id}' must be the last step; move the steps after it before it, or write "
        "`barometer: true` at the pack's top level in place of this step: the kit puts it last",
        fi="loppubarometrin '{id}' pitää olla viimeinen vaihe; siirrä sen jälkeiset vaiheet sen eteen, tai kirjoita "
        "tämän vaiheen sijaan paketin ylätasolle `barometer: true`, niin pakki lisää sen viimeiseksi",
        sv="slutbarometern '{id}' måste vara det sista steget; flytta stegen efter den före den, eller skriv "
        "`barometer: true` på paketets översta nivå i stället för det här steget, så lägger verkstadslådan den sist",
    ),
    # -- line breaks --------------------------------------------------------------------------
    "breaks.plain": Says(
        en="this text is shown on one line: its line breaks become spaces; write it on one line "
        "(paragraphs and lists work only in longer texts, such as a slide's `text` and the `notes`)",
        fi="tämä teksti näytetään yhdellä rivillä: sen rivinvaihdot muuttuvat välilyönneiksi; kirjoita se yhdelle "
        "riville (kappaleet ja listat toimivat vain pidemmissä teksteissä, kuten dian `text` ja `notes`)",
        sv="den här texten visas på en rad: dess radbrytningar blir mellanslag; skriv den på en rad "
        "(stycken och listor fungerar bara i längre texter, som en bilds `text` och `notes`)",
    ),
    "breaks.joined": Says(
        en="this line is joined to the line above it{more}: a single line break inside a paragraph is shown "
        "as a space; leave a blank line above it for a new paragraph, or start each line with `- ` for a list",
        fi="tämä rivi liitetään ylempään riviin{more}: yksittäinen rivinvaihto kappaleen sisällä näkyy "
        "välilyöntinä; jätä yläpuolelle tyhjä rivi, jos haluat uuden kappaleen, tai aloita jokainen rivi merkeillä "
        "`- `, jos haluat listan",
        sv="den här raden fogas till raden ovanför{more}: en enkel radbrytning inuti ett stycke visas som ett "
        "mellanslag; lämna en tom rad ovanför för ett nytt stycke, eller börja varje rad med `- ` för en lista",
    ),
    "breaks.more_one": Says(en=" (so is line {line})", fi=" (samoin rivi {line})", sv=" (likaså rad {line})"),
    "breaks.more_many": Says(
        en=" (so are lines {lines} and {last})",
        fi=" (samoin rivit {lines} ja {last})",
        sv=" (likaså rad {lines} och {last})",
    ),
    "breaks.folded": Says(
        en="YAML joins the lines of this text into one, so its paragraphs and lists are lost; "
        "write `{key}: |` and the text on the lines below it, with a blank line between paragraphs",
        fi="YAML yhdistää tämän tekstin rivit yhdeksi, joten kappaleet ja listat katoavat; "
        "kirjoita `{key}: |` ja teksti sen alle, kappaleiden väliin tyhjä rivi",
        sv="YAML fogar ihop radernas text till en, så stycken och listor försvinner; "
        "skriv `{key}: |` och texten på raderna under, med en tom rad mellan styckena",
    ),
    # -- shared pieces, help lines and placeholders ------------------------------------------
    "shared.bad_name": Says(
        en="write the name of a file in the _shared folder without .yaml, e.g. `include: apu-dia`",
        fi="kirjoita _shared-kansion tiedoston nimi ilman päätettä .yaml, esim. `include: apu-dia`",
        sv="skriv namnet på en fil i mappen _shared utan .yaml, t.ex. `include: apu-dia`",
    ),
    "shared.barometer_file": Says(
        en="barometri.yaml holds the closing barometer: write `barometer: true` at the pack's top level instead",
        fi="barometri.yaml sisältää loppubarometrin: kirjoita sen sijaan paketin ylätasolle `barometer: true`",
        sv="barometri.yaml innehåller slutbarometern: skriv `barometer: true` på paketets översta nivå i stället",
    ),
    "shared.help_file": Says(
        en="apu.yaml holds the help lines: write {{apu}} in a text instead",
        fi="apu.yaml sisältää apunumerot: kirjoita sen sijaan tekstiin {{apu}}",
        sv="apu.yaml innehåller hjälplinjerna: skriv {{apu}} i en text i stället",
    ),
    "shared.loop": Says(
        en="the shared pieces include each other in a loop ({route}); remove one include",
        fi="yhteiset osat sisällyttävät toisiaan kehässä ({route}); poista yksi include",
        sv="de gemensamma delarna inkluderar varandra i en slinga ({route}); ta bort en include",
    ),
    "shared.too_many": Says(
        en="more than {count} includes in one pack; include fewer, larger pieces",
        fi="yhdessä paketissa on yli {count} includea; käytä vähemmän mutta isompia osia",
        sv="fler än {count} include i ett paket; inkludera färre, större delar",
    ),
    "shared.unreadable": Says(
        en="cannot read the shared piece {name}: {why}",
        fi="yhteistä osaa {name} ei voi lukea: {why}",
        sv="den gemensamma delen {name} kan inte läsas: {why}",
    ),
    "shared.too_big": Says(
        en="the pack's shared pieces add up to more than {kb} kB",
        fi="paketin yhteiset osat ovat yhteensä yli {kb} kt",
        sv="paketets gemensamma delar är sammanlagt större än {kb} kB",
    ),
    "shared.missing": Says(
        en="there is no shared piece '{name}' in the _shared folder; {hint}the pieces are: {known}",
        fi="_shared-kansiossa ei ole osaa '{name}'; {hint}osat ovat: {known}",
        sv="det finns ingen gemensam del '{name}' i mappen _shared; {hint}delarna är: {known}",
    ),
    "shared.did_you_mean": Says(
        en="did you mean `include: {close}`? ",
        fi="tarkoititko `include: {close}`? ",
        sv="menade du `include: {close}`? ",
    ),
    "shared.none": Says(en="none", fi="ei yhtään", sv="inga"),
    "shared.folder_symlink": Says(
        en="the _shared folder is a symlink; make it an ordinary folder",
        fi="_shared-kansio on symbolinen linkki; tee siitä tavallinen kansio",
        sv="mappen _shared är en symbolisk länk; gör den till en vanlig mapp",
    ),
    "shared.symlink": Says(
        en="it is a symlink; copy the file here instead",
        fi="se on symbolinen linkki; kopioi tiedosto tähän sen sijaan",
        sv="den är en symbolisk länk; kopiera filen hit i stället",
    ),
    "shared.special": Says(
        en="only ordinary files are allowed in _shared",
        fi="_shared-kansiossa saa olla vain tavallisia tiedostoja",
        sv="i _shared får det bara finnas vanliga filer",
    ),
    "shared.file_too_big": Says(
        en="the file is larger than {kb} kB", fi="tiedosto on yli {kb} kt", sv="filen är större än {kb} kB"
    ),
    "help.list_in_sentence": Says(
        en="{{apu}} is a list of the help lines: put it on a line of its own, after a blank line, in a formatted "
        "text (`text: |`, `notes: |`); inside a sentence write {{apu.puhelin}}",
        fi="{{apu}} on apunumeroiden lista: laita se omalle rivilleen tyhjän rivin jälkeen muotoiltuun tekstiin "
        "(`text: |`, `notes: |`); virkkeen sisällä kirjoita {{apu.puhelin}}",
        sv="{{apu}} är en lista över hjälplinjerna: sätt den på en egen rad, efter en tom rad, i en formaterad "
        "text (`text: |`, `notes: |`); inuti en mening skriver du {{apu.puhelin}}",
    ),
    "placeholder.unknown": Says(
        en="unknown placeholder {{{name}}}: {hint}declare it under `placeholders:` (id, label and default), "
        "or use one this pack knows: {known}",
        fi="tuntematon paikkamerkki {{{name}}}: {hint}määrittele se kohdassa `placeholders:` (id, label ja default), "
        "tai käytä jotakin paketin tuntemaa: {known}",
        sv="okänd platshållare {{{name}}}: {hint}ange den under `placeholders:` (id, label och default), "
        "eller använd en som paketet känner till: {known}",
    ),
    "placeholder.did_you_mean": Says(
        en="did you mean {{{close}}}? ", fi="tarkoititko {{{close}}}? ", sv="menade du {{{close}}}? "
    ),
    "placeholder.none_yet": Says(en="none yet", fi="ei vielä yhtään", sv="inga ännu"),
    "placeholder.too_long": Says(
        en="{{{name}}} with {what} does not fit in {where}: that field is shorter; use the placeholder in a longer "
        "text, or shorten the text around it",
        fi="{{{name}}} ei mahdu kenttään {where}, kun sen arvona on {what}: kenttä on lyhyempi; käytä paikkamerkkiä "
        "pidemmässä tekstissä, tai lyhennä sen ympärillä olevaa tekstiä",
        sv="{{{name}}} med {what} ryms inte i {where}: det fältet är kortare; använd platshållaren i en längre text, "
        "eller korta texten runt den",
    ),
    "placeholder.its_default": Says(en="its default", fi="oletusarvo", sv="sitt standardvärde"),
    "placeholder.long_value": Says(
        en="a value of {n} characters", fi="{n} merkin mittainen teksti", sv="ett värde på {n} tecken"
    ),
}
