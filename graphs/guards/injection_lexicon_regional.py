"""Override vocabulary for further European languages, in ``injection_lexicon``'s shape.

Czech, Slovak, Romanian, Hungarian, Danish, Norwegian, Finnish and Croatian/Serbian/Bosnian:
a verb of setting aside and a noun for instructions or rules, within a few words of each
other (``plangate.graphs.guards.injection_lexicon`` explains the shape). Words are written as
the normaliser leaves them: lower case, accents dropped ("zapomen", "instructiunile",
"utasitasokat").
"""

from __future__ import annotations

from plangate.graphs.guards.injection_lexicon import Language

REGIONAL: tuple[Language, ...] = (
    Language(
        "cs-sk",
        (r"zapomen\w{0,3}", r"zabudni\w{0,3}", r"ignoruj\w{0,3}", r"neber\w{0,2} ohled",
         r"nedbej\w{0,2}", r"neposlouchej\w{0,2}", r"nerespektuj\w{0,2}", r"preskoc\w{0,2}"),
        (r"pokyn\w{0,3}", r"instrukc\w{1,3}", r"pravid\w{1,3}", r"prikaz\w{0,3}", r"omezen\w{1,3}",
         r"nariaden\w{1,3}", r"smernic\w{1,3}"),
        ("pokyn", "instrukc", "pravid", "prikaz", "omezen", "nariaden", "smernic"),
    ),
    Language(
        "ro",
        (r"ignor\w{1,4}", r"uit\w{1,4}", r"nu (?:mai )?(?:respecta|urma)\w{0,2}", r"treci peste",
         r"neglij\w{1,4}", r"ocole\w{1,4}"),
        (r"instructiun\w{1,4}", r"regul\w{1,4}", r"indicatii\w{0,2}", r"comenzi\w{0,2}",
         r"directiv\w{1,4}", r"restrictii\w{0,2}"),
        ("instructiun", "regul", "indicatii", "comenzi", "directiv", "restrictii"),
    ),
    Language(
        "hu",
        (r"hagyd figyelmen kivul", r"hagyja figyelmen kivul", r"felejtsd el", r"felejtse el",
         r"ne (?:kovesd|kovesse|vedd figyelembe)", r"ignorald", r"hagyd (?:ki|figyelmen)"),
        (r"utasitas\w{0,5}", r"szabaly\w{0,5}", r"iranyelv\w{0,5}", r"parancs\w{0,5}",
         r"korlatoz\w{0,6}"),
        ("utasitas", "szabaly", "iranyelv", "parancs", "korlatoz"),
    ),
    Language(
        "da-no",
        (r"ignorer\w{0,2}", r"glem\w{0,2}(?! ikke)", r"se bort fra", r"tilsidesaet", r"folg ikke",
         r"overse", r"spring over"),
        (r"instruks\w{0,5}", r"instruktion\w{0,3}", r"regl\w{0,3}", r"retningslinj\w{0,3}",
         r"anvisning\w{0,3}", r"begraensning\w{0,3}", r"begrensning\w{0,3}", r"direktiv\w{0,3}"),
        ("instruks", "instruktion", "regl", "retningslinj", "anvisning", "begraensning",
         "begrensning", "direktiv"),
    ),
    Language(
        "fi",
        (r"unohda", r"unohtakaa", r"ohita", r"ohittakaa", r"sivuuta", r"ala (?:noudata|tottele)",
         r"jata huomiotta", r"jata huomioimatta"),
        (r"ohje\w{0,5}", r"ohjeita", r"saanno\w{0,4}", r"saanto\w{0,4}", r"kasky\w{0,4}",
         r"rajoitu\w{0,5}", r"direktiivi\w{0,3}"),
        ("ohje", "ohjeita", "saanno", "saanto", "kasky", "rajoitu", "direktiivi"),
    ),
    Language(
        "hr-sr-bs",
        (r"zanemari\w{0,2}", r"zaboravi\w{0,2}", r"ignoriraj\w{0,2}", r"ignorisi\w{0,2}",
         r"ne (?:postuj|slijedi|prati)\w{0,2}", r"preskoci\w{0,2}"),
        (r"upute", r"uputstva", r"uputa", r"instrukcij\w{1,2}", r"pravila", r"naredb\w{1,2}",
         r"smjernic\w{1,2}", r"ogranicenja"),
        ("upute", "uputstva", "uputa", "instrukcij", "pravila", "naredb", "smjernic",
         "ogranicenja"),
    ),
)  # fmt: skip
"""Further languages whose override phrasing the scanner knows."""
