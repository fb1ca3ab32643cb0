"""Instruction-override phrasing in many languages, as verb and object families.

An override is a verb of setting aside ("ignore", "olvida", "vergiss", "забудь", "忽略") and
an object naming the model's rules ("instructions", "reglas", "Anweisungen", "правила", "指令")
within a few words of each other, in either order (German infinitives, Turkish, Japanese and
Korean put the verb last). Words are written as the normaliser leaves them: lower case, accents
dropped ("instrucoes", "regles", "uberspringe"), "й" read as "и". Stems end in ``\\w{0,n}`` so
inflections match without listing them.

Each language is data (``Language``); ``plangate.graphs.guards.injection_rules`` compiles them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plangate.graphs.guards.normalize import normalise


@dataclass(frozen=True)
class Language:
    """One language's override vocabulary.

    Attributes:
        code: ISO 639-1 code, for the signal's name.
        verbs: regex alternatives for the verbs (or verb phrases) of setting aside.
        objects: regex alternatives for the nouns that name instructions or rules.
        triggers: literal stems of the objects (or of the verbs, when the objects are common
            English words); an override needs both, so a scan window opens around each found.
        spaced: whether words are matched whole, between word boundaries (False for scripts
            without spaces, and for those whose vowel signs or attached prefixes break
            ``\\b``: Devanagari, Thai, Arabic, Persian, Hebrew).
        gap: for a language that is not ``spaced``, how many characters may separate the verb
            from the object.
    """

    code: str
    verbs: tuple[str, ...]
    objects: tuple[str, ...]
    triggers: tuple[str, ...]
    spaced: bool = True
    gap: int = 20


def _literal(*words: str) -> tuple[str, ...]:
    """``words`` as the normaliser leaves them (NFKC folds Thai "ำ", drops marks), escaped."""
    return tuple(re.escape(normalise(word)) for word in words)


LANGUAGES: tuple[Language, ...] = (
    Language(
        "es",
        (r"ignor\w{1,5}", r"olvid\w{1,6}", r"descart\w{1,5}", r"omit\w{1,5}", r"anul\w{1,5}",
         r"no hag\w{1,3} caso", r"ha\w{1,3} caso omiso", r"pas\w{1,3} por alto",
         r"desobedec\w{1,4}", r"desestim\w{1,5}", r"no sig\w{1,3}", r"dej\w{1,3} de seguir",
         r"salt\w{1,4}"),
        (r"instruccion\w{0,2}", r"indicacion\w{0,2}", r"reglas?", r"normas?", r"directrices",
         r"ordenes", r"consignas", r"pautas", r"restricciones", r"directivas", r"limitaciones",
         r"prompts?", r"lo que te (?:han |habian )?(?:dicho|dijeron|indicaron|ordenaron)"),
        ("instruccion", "dicho", "dijeron", "indicaron", "ordenaron", "indicacion", "regla", "norma", "directri", "orden", "consigna", "pauta",
         "restriccion", "directiva", "limitacion", "prompt"),
    ),
    Language(
        "fr",
        (r"ignor\w{1,5}", r"oubli\w{1,5}", r"ne ten\w{1,3} (?:plus|pas|aucun) compte",
         r"ne tien[st] (?:plus|pas|aucun) compte", r"fai\w{1,4} abstraction", r"pass\w{1,3} outre",
         r"outrepass\w{1,4}", r"contourn\w{1,4}", r"neglig\w{1,4}", r"ne sui\w{1,3} plus",
         r"cess\w{1,3} de suivre", r"annul\w{1,4}", r"desobei\w{1,4}"),
        (r"instructions?", r"consignes?", r"regles?", r"directives?", r"indications?", r"ordres",
         r"restrictions?", r"contraintes?", r"prompts?", r"limites",
         r"ce qu'on (?:t'|vous )a (?:dit|demande|ordonne)"),
        ("dit", "demande", "ordonne", "instruction", "consigne", "regle", "directive", "indication", "ordre", "restriction",
         "contrainte", "prompt", "limite"),
    ),
    Language(
        "de",
        (r"ignorier\w{0,3}", r"vergi(?:ss|b)t?", r"vergess\w{0,3}", r"missacht\w{0,3}",
         r"uberspring\w{0,3}", r"verw[ie]rf\w{0,3}", r"umgeh\w{0,3}", r"befolg\w{0,2} nicht",
         r"folg\w{0,2} nicht", r"hor\w{0,2} nicht (?:mehr )?auf", r"auss?er (?:acht|kraft)",
         r"setz\w{0,2} (?:\w{1,20} ){0,3}auss?er kraft"),
        (r"anweisung\w{0,2}", r"regeln", r"vorgaben", r"instruktion\w{0,2}", r"richtlinien",
         r"befehle", r"anordnungen", r"einschrankungen", r"beschrankungen", r"system ?prompts?",
         r"prompts?", r"vorschriften", r"direktiven", r"hinweise",
         r"was (?:man )?(?:dir|du|ihr|ihnen) (?:[\w']{1,20} ){0,3}(?:gesagt|befohlen|aufgetragen|vorgegeben)\w{0,3}"),
        ("gesagt", "befohlen", "aufgetragen", "vorgegeben", "anweisung", "regeln", "vorgaben", "instruktion", "richtlinien", "befehle", "anordnungen",
         "einschrankungen", "beschrankungen", "system", "prompt", "vorschriften", "direktiven",
         "hinweise"),
    ),
    Language(
        "pt",
        (r"ignor\w{1,5}", r"esque[cç]\w{1,5}", r"desconsider\w{1,5}", r"desprez\w{1,5}",
         r"descart\w{1,5}", r"nao sig\w{1,3}", r"deix\w{1,3} de seguir", r"anul\w{1,5}",
         r"desobedec\w{1,4}", r"pul\w{1,3}"),
        (r"instrucoes", r"instrucao", r"regras?", r"diretrizes", r"orientacoes", r"ordens",
         r"comandos", r"restricoes", r"diretivas", r"prompts?", r"normas", r"limites",
         r"o que (?:te|lhe) (?:foi dito|disseram|mandaram|pediram)"),
        ("dito", "disseram", "mandaram", "pediram", "instruc", "regra", "diretri", "orientac", "ordens", "comandos", "restric", "diretiva",
         "prompt", "normas", "limites"),
    ),
    Language(
        "it",
        (r"ignor\w{1,5}", r"dimentic\w{1,5}", r"trascur\w{1,5}", r"tralasci\w{1,5}",
         r"non (?:considerare|seguire|rispettare|tenere conto)", r"scavalc\w{1,5}",
         r"aggir\w{1,5}", r"annull\w{1,5}", r"disobbedisc\w{0,3}"),
        (r"istruzion[ei]", r"regole", r"direttive", r"indicazioni", r"ordini", r"vincoli",
         r"restrizioni", r"prompts?", r"norme", r"linee guida", r"limiti",
         r"quello che ti (?:e stato detto|hanno detto|hanno chiesto)"),
        ("detto", "chiesto", "istruzion", "regole", "direttive", "indicazioni", "ordini", "vincoli", "restrizioni",
         "prompt", "norme", "linee guida", "limiti"),
    ),
    Language(
        "nl",
        (r"negeer\w{0,2}", r"negeren", r"vergeet", r"vergeten", r"ignoreer\w{0,2}", r"omzeil\w{0,2}",
         r"sla (?:[\w']{1,20} ){0,4}over", r"volg (?:[\w']{1,20} ){0,4}niet",
         r"laat (?:[\w']{1,20} ){0,3}los"),
        (r"instructies?", r"opdrachten", r"regels", r"richtlijnen", r"aanwijzingen", r"bevelen",
         r"prompts?", r"voorschriften", r"beperkingen",
         r"wat (?:je|jou|u) (?:[\w']{1,20} ){0,3}(?:gezegd|verteld|opgedragen)"),
        ("gezegd", "verteld", "opgedragen", "instructie", "opdrachten", "regels", "richtlijnen", "aanwijzingen", "bevelen", "prompt",
         "voorschriften", "beperkingen"),
    ),
    Language(
        "pl",
        (r"zignoruj\w{0,3}", r"ignoruj\w{0,3}", r"zapomnij\w{0,3}", r"pomi[nń]\w{0,3}",
         r"nie stosuj", r"nie przestrzegaj", r"olej"),
        (r"instrukcj\w{1,3}", r"polece[nń]\w{0,2}", r"zasad\w{0,2}", r"regu[lł]\w{0,2}",
         r"wytyczn\w{1,4}", r"ogranicze[nń]\w{0,2}", r"prompts?"),
        ("instrukcj", "polecen", "poleceń", "zasad", "regul", "reguł", "wytyczn",
         "ograniczen", "ograniczeń", "prompt"),
    ),
    Language(
        "tr",
        (r"yok say\w{0,3}", r"gormezden gel\w{0,3}", r"unut\w{0,3}", r"dikkate alma\w{0,3}",
         r"uyma\w{0,3}", r"atla\w{0,3}"),
        (r"talimat\w{0,6}", r"kural\w{0,6}", r"yonerge\w{0,6}", r"komut\w{0,6}",
         r"kisitlama\w{0,6}"),
        ("talimat", "kural", "yonerge", "komut", "kisitlama"),
    ),
    Language(
        "ru",
        (r"(?:про)?игнорир\w{0,5}", r"забуд\w{0,3}", r"забыть", r"не обращаи\w{0,2} внимания",
         r"отброс\w{1,4}", r"пренебре\w{1,5}", r"не следуи\w{0,2}", r"перестан\w{1,3} следовать",
         r"обоиди\w{0,2}", r"отмени\w{0,2}", r"наплюи\w{0,2}"),
        (r"инструкци\w{0,3}", r"указани\w{0,3}", r"правил\w{0,3}", r"директив\w{0,3}",
         r"команд\w{0,3}", r"промпт\w{0,3}", r"ограничени\w{0,3}", r"предписани\w{0,3}",
         r"(?:все )?что (?:тебе|вам) (?:говорили|сказали|велели|приказали)"),
        ("говорили", "сказали", "велели", "приказали", "инструкци", "указани", "правил", "директив", "команд", "промпт", "ограничени",
         "предписани"),
    ),
    Language(
        "zh",
        ("忽略", "忽视", "无视", "無視", "忘记", "忘記", "忘掉", "不要理会", "不要理會", "别管", "別管",
         "跳过", "跳過", "绕过", "繞過", "放弃", "放棄", "违背", "違背", "不要遵守", "不再遵守", "抛开",
         "拋開"),
        ("指令", "指示", "規則", "规则", "提示词", "提示詞", "系统提示", "系統提示", "设定", "設定",
         "限制", "命令", "规定", "規定", "约束", "約束", "准则", "準則"),
        ("指令", "指示", "規則", "规则", "提示", "设定", "設定", "限制", "命令", "规定", "規定", "约束",
         "約束", "准则", "準則"),
        spaced=False,
    ),
    Language(
        "ja",
        ("無視", "忘れ", "従わな", "破棄", "放棄", "無効に", "取り消", "リセット"),
        ("指示", "命令", "ルール", "規則", "プロンプト", "設定", "制約", "指令", "ガイドライン", "制限"),
        ("指示", "命令", "ルール", "規則", "プロンプト", "設定", "制約", "指令", "ガイドライン", "制限"),
        spaced=False,
    ),
    Language(
        "ko",
        ("무시", "잊어", "잊고", "따르지 마", "따르지 말"),
        ("지시", "명령", "규칙", "지침", "프롬프트", "제한"),
        ("지시", "명령", "규칙", "지침", "프롬프트", "제한"),
        spaced=False,
    ),
    Language(
        "sv",
        (r"ignorera\w{0,2}", r"glom\w{0,2}(?! inte)", r"strunta i", r"bortse fran", r"folj inte",
         r"hoppa over", r"asidosatt"),
        (r"instruktion\w{0,3}", r"regl\w{0,3}", r"anvisning\w{0,3}", r"riktlinje\w{0,3}",
         r"direktiv\w{0,3}", r"order", r"begransning\w{0,3}", r"prompt\w{0,3}"),
        ("instruktion", "regl", "anvisning", "riktlinje", "direktiv", "order", "begransning",
         "prompt"),
    ),
    Language(
        "uk",
        (r"(?:про)?ігнору\w{0,4}", r"забудь\w{0,2}", r"забути", r"не зважаи\w{0,2} на",
         r"не виконуи\w{0,2}", r"нехтуи\w{0,2}", r"обіиди\w{0,2}", r"скасуи\w{0,2}"),
        (r"інструкці\w{0,3}", r"вказівк\w{0,3}", r"вказівок", r"правил\w{0,3}",
         r"директив\w{0,3}", r"команд\w{0,3}", r"обмежен\w{0,3}", r"промпт\w{0,3}"),
        ("інструкці", "вказів", "правил", "директив", "команд", "обмежен", "промпт"),
    ),
    Language(
        "el",
        (r"αγνοησ\w{0,4}", r"αγνοει\w{0,4}", r"ξεχασ\w{0,4}", r"ξεχνα\w{0,4}",
         r"παρακαμψ\w{0,4}", r"μην ακολουθ\w{0,4}", r"παραβλεψ\w{0,4}"),
        (r"οδηγι\w{0,3}", r"εντολ\w{0,3}", r"κανον\w{0,4}", r"περιορισμ\w{0,3}",
         r"οριων", r"ρυθμισ\w{0,3}"),
        ("οδηγι", "εντολ", "κανον", "περιορισμ", "οριων", "ρυθμισ"),
    ),
    Language(
        "vi",
        (r"bo qua", r"phot lo", r"lo di", r"quen(?: di| het)?", r"khong (?:tuan theo|lam theo|nghe theo)",
         r"dung (?:tuan theo|lam theo)", r"vuot qua"),
        (r"huong dan", r"chi dan", r"chi thi", r"quy tac", r"menh lenh", r"lenh", r"quy dinh",
         r"rang buoc", r"gioi han", r"loi nhac"),
        ("huong", "chi", "quy", "menh", "lenh", "rang", "gioi", "loi"),
    ),
    Language(
        "id",
        (r"abaikan", r"lupakan", r"lewati", r"acuhkan", r"hiraukan", r"jangan (?:ikuti|patuhi|turuti)",
         r"tidak usah (?:ikuti|patuhi)", r"langgar"),
        (r"instruksi", r"perintah", r"aturan", r"petunjuk", r"arahan", r"pedoman", r"batasan",
         r"prompt"),
        ("instruksi", "perintah", "aturan", "petunjuk", "arahan", "pedoman", "batasan", "prompt"),
    ),
    Language(
        "sw",
        (r"puuza", r"usijali", r"sahau", r"usifuate", r"acha kufuata", r"ruka", r"vunja"),
        (r"maagizo", r"maelekezo", r"sheria", r"amri", r"kanuni", r"miongozo", r"vikwazo",
         r"masharti"),
        ("maagizo", "maelekezo", "sheria", "amri", "kanuni", "miongozo", "vikwazo", "masharti"),
    ),
    Language(
        "hi-latn",
        (r"ignore kar\w{0,3}", r"bhool ja\w{0,2}", r"bhul ja\w{0,2}", r"bhulo", r"bhoolo",
         r"nazarandaz kar\w{0,3}", r"mat mano", r"mat maano", r"mat suno"),
        (r"instructions?", r"nirdesh\w{0,3}", r"niyam\w{0,2}", r"rules", r"hidayat\w{0,2}",
         r"aadesh\w{0,2}", r"adesh\w{0,2}"),
        # The verbs, not the objects: "instructions" and "rules" are everywhere in English.
        ("ignore kar", "bhool", "bhul", "nazarandaz", "mat"),
    ),
    Language(
        "hi",
        _literal("अनदेखा", "नज़रअंदाज़", "नजरअंदाज", "भूल जा", "भूलो", "उपेक्षा", "मत मानो",
                 "पालन न कर", "पालन मत कर"),
        _literal("निर्देश", "आदेश", "नियम", "हिदायत", "प्रतिबंध"),
        _literal("निर्देश", "आदेश", "नियम", "हिदायत", "प्रतिबंध"),
        spaced=False,
        gap=30,
    ),
    Language(
        "ar",
        _literal("تجاهل", "تتجاهل", "انسى", "لا تتبع", "لا تلتزم", "تجاوز", "اهمل", "أهمل"),
        _literal("التعليمات", "تعليمات", "الأوامر", "أوامر", "الاوامر", "القواعد", "قواعد",
                 "الإرشادات", "ارشادات", "التوجيهات", "توجيهات", "القيود"),
        _literal("تعليمات", "أوامر", "اوامر", "قواعد", "إرشادات", "ارشادات", "توجيهات", "القيود"),
        spaced=False,
        gap=30,
    ),
    Language(
        "fa",
        _literal("نادیده بگیر", "نادیده گرفتن", "فراموش کن", "فراموش کنید", "پیروی نکن",
                 "اعتنا نکن", "نادیده بگیرید"),
        _literal("دستورالعمل", "دستورات", "دستور", "قوانین", "قواعد", "رهنمود", "محدودیت"),
        _literal("دستور", "قوانین", "قواعد", "رهنمود", "محدودیت"),
        spaced=False,
        gap=40,
    ),
    Language(
        "he",
        _literal("התעלם", "תתעלם", "התעלמו", "שכח", "תשכח", "שכחו", "אל תציית", "אל תמלא",
                 "עקוף"),
        _literal("הוראות", "הנחיות", "כללים", "הכללים", "פקודות", "מגבלות"),
        _literal("הוראות", "הנחיות", "כללים", "הכללים", "פקודות", "מגבלות"),
        spaced=False,
        gap=30,
    ),
    Language(
        "th",
        _literal("เพิกเฉย", "ไม่สนใจ", "ลืม", "ข้าม", "ไม่ต้องทำตาม", "อย่าทำตาม", "ละเลย"),
        _literal("คำสั่ง", "คำแนะนำ", "กฎ", "ข้อกำหนด", "ข้อจำกัด", "แนวทาง"),
        _literal("คำสั่ง", "คำแนะนำ", "กฎ", "ข้อกำหนด", "ข้อจำกัด", "แนวทาง"),
        spaced=False,
        gap=30,
    ),
)  # fmt: skip
"""Languages whose override phrasing the scanner knows (English lives in the rules)."""

ADDRESSEES = (
    r"(?:asistente|assistant|assistent\w{0,2}|assistente|ассистент\w{0,2}|помощник\w{0,2}"
    r"|ии|ia|ki|ai|bot|chatbot|modell|modelo|modele|modello|модел\w{1,2}|agente|sprachmodell"
    r"|llm|gpt|人工智能|助手|アシスタント)"
)
"""Words for an AI assistant in several languages, for "note to the assistant:" phrasing."""

NOTES = (
    r"(?:nota|note|notiz|hinweis|mensaje|message|messaggio|mensagem|bericht|opmerking|уведомление"
    r"|примечание|сообщение|заметка|aviso|avis|avviso|instrucciones|instructions|anweisung"
    r"|consignes?|nouvelles? consignes?|instruccion|instrucoes|aufgabe|tarea|tache|compito"
    r"|tarefa|opdracht|задание|указание|pesan|catatan|tin nhan|ghi chu|ujumbe|meddelande)"
)
"""Words for a note or message, for "note to the assistant:" phrasing."""
