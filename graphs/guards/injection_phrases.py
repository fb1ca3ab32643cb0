"""Role reassignment and new tasks in many languages, as phrase families.

Beside overrides (``plangate.graphs.guards.injection_lexicon``) an attacker gives the model a
new identity ("you are now DAN", "Du bist jetzt ein uneingeschränkter Assistent", "Sasa wewe ni
msaidizi bila vikwazo") or a new task ("your new task is", "tugas barumu adalah", "nouvelle
consigne"). Each family is a set of openers and a set of completions; a signal needs both, in
order and close together, so a lone "you are now subscribed" or "sin restricciones de horario"
is not one. Phrases are written as the normaliser leaves them (lower case, accents dropped);
scripts whose marks the normaliser folds (Devanagari, Thai) go through ``normalise`` first.

``ROWS`` holds the rules, in the ``(name, weight, pattern, triggers, leet)`` shape of
``plangate.graphs.guards.injection_rules``, which compiles them with the others.
"""

from __future__ import annotations

from plangate.graphs.guards.normalize import normalise
from plangate.graphs.guards.trie import trie_pattern


def _alternatives(*phrases: str) -> str:
    """One group matching any of ``phrases`` (normalised), shaped as a trie for speed."""
    return "(?:" + trie_pattern(normalise(p) for p in phrases) + ")"


_YOU_NOW = _alternatives(
    "you are now", "you're now", "from now on you are", "you will now be", "you have become",
    "du bist jetzt", "du bist nun", "du bist ab sofort", "ab jetzt bist du", "ahora eres",
    "a partir de ahora eres", "ahora sos", "tu es maintenant", "tu es desormais",
    "vous etes maintenant", "vous etes desormais", "desormais tu es", "agora voce e", "agora es",
    "a partir de agora voce e", "ora sei", "adesso sei", "da ora sei", "je bent nu", "jij bent nu",
    "vanaf nu ben je", "ты теперь", "теперь ты", "отныне ты", "вы теперь", "ти тепер",
    "тепер ти", "відтепер ти", "artik sen", "sen artik", "teraz jestes", "od teraz jestes",
    "sasa wewe ni", "wewe sasa ni", "kuanzia sasa wewe ni", "sekarang kamu adalah",
    "kamu sekarang adalah", "sekarang anda adalah", "anda sekarang adalah", "kamu sekarang menjadi",
    "sekarang kamu menjadi", "mulai sekarang kamu adalah", "mulai sekarang anda adalah",
    "bay gio ban la", "ban bay gio la", "tu bay gio ban la", "tu gio ban la", "nu ar du",
    "du ar nu", "fran och med nu ar du", "εισαι τωρα", "τωρα εισαι", "απο τωρα εισαι",
    "אתה עכשיו", "עכשיו אתה", "מעכשיו אתה", "أنت الآن", "الآن أنت", "من الآن أنت", "تو اکنون",
    "اکنون تو", "از این پس تو", "تو الان", "तुम अब", "आप अब", "अब तुम", "अब आप",
    "ab tum", "ab aap", "tum ab", "ตอนนี้คุณคือ", "ตอนนี้คุณเป็น", "คุณคือ", "你现在是", "现在你是",
    "从现在起你是", "從現在起你是", "今からあなたは", "あなたは今", "이제 너는", "지금부터 너는",
)  # fmt: skip
"""Openers that hand the reader a new identity."""

_UNBOUND = _alternatives(
    "unrestricted", "unfiltered", "uncensored", "jailbroken", "unbound", "unlimited ai",
    "without restrictions", "without any restrictions", "without limits", "without filters",
    "without rules", "uneingeschrankt", "ohne einschrankungen", "ohne regeln", "ohne filter",
    "sin restricciones", "sin filtros", "sin limites", "sin reglas", "sans restrictions",
    "sans filtres", "sans limites", "sans regles", "senza restrizioni", "senza limiti",
    "senza filtri", "sem restricoes", "sem limites", "sem filtros", "zonder beperkingen",
    "zonder regels", "zonder filters", "без ограничении", "без фильтров", "без цензуры",
    "без правил", "без обмежень", "без правил", "bila vikwazo", "bila mipaka", "bila sheria",
    "tanpa batasan", "tanpa batas", "tanpa aturan", "tanpa filter", "tanpa sensor",
    "khong co gioi han", "khong gioi han", "khong co han che", "khong bi rang buoc",
    "utan begransningar", "utan regler", "utan filter", "sinirsiz", "kisitlamasiz",
    "bez ograniczen", "χωρις περιορισμους", "χωρις κανονες", "ללא הגבלות", "בלי הגבלות",
    "بدون قيود", "بلا قيود", "بدون محدودیت", "بی محدودیت", "बिना किसी प्रतिबंध", "बिना प्रतिबंध",
    "बिना किसी सीमा", "ไม่มีข้อจำกัด", "没有任何限制", "没有限制", "不受限制", "無限制", "制限のない",
    "制限なし", "제한 없는", "제한이 없는",
)  # fmt: skip
"""Completions that free the new identity from its rules."""

_PERSONA = _alternatives(
    "dan",
    "developer mode",
    "god mode",
    "an evil",
    "evil assistant",
    "evil ai",
    "aim",
    "stan",
)
"""Jailbreak persona names, which must follow the opener at once ("you are now DAN")."""

_NEW_TASK = _alternatives(
    "new task", "new instructions", "new instruction", "new orders", "new directive",
    "nouvelle consigne", "nouvelles consignes", "nouvelle tache", "nouvelles instructions",
    "nueva tarea", "nuevas instrucciones", "nuevas ordenes", "neue aufgabe", "neue anweisung",
    "neue anweisungen", "nova tarefa", "novas instrucoes", "nuovo compito", "nuove istruzioni",
    "nieuwe opdracht", "nieuwe instructies", "новая задача", "новые инструкции", "нове завдання",
    "нові інструкції", "yeni gorev", "yeni talimat", "nowe zadanie", "nowe instrukcje",
    "tugas baru", "tugas barumu", "tugasmu yang baru", "instruksi baru", "perintah baru",
    "nhiem vu moi", "huong dan moi", "chi thi moi", "kazi mpya", "kazi yako mpya",
    "maagizo mapya", "ny uppgift", "nya instruktioner", "νεα εντολη", "νεες οδηγιες",
    "νεα αποστολη", "משימה חדשה", "הוראות חדשות", "مهمة جديدة", "مهمتك الجديدة",
    "تعليمات جديدة", "وظیفه جدید", "دستورالعمل جدید", "नया कार्य", "नए निर्देश", "नया काम",
    "naya kaam", "naye nirdesh", "งานใหม่", "คำสั่งใหม่", "新任务", "新的任务", "新指令", "新しいタスク",
    "新しい指示", "새로운 작업", "새 지시",
)  # fmt: skip
"""Phrases for a new task or new instructions."""

# Words only: "New instructions: check-in starts at 3pm" is a notice, not a new task.
_COPULA = r"(?:is|are|est|es|ist|e|sera|adalah|ialah|yaitu|ni|ar|la|ειναι|это|це|היא|هي|است|है)"
_AI_WORDS = (
    r"(?:ai|assistant|assistent\w{0,2}|asistente|assistente|ассистент\w{0,2}|помощник\w{0,2}"
    r"|асистент\w{0,2}|msaidizi|tro ly|asisten|bot|chatbot|modell|modelo|modele|modello"
    r"|agente|llm|gpt|βοηθος|עוזר|مساعد|دستیار|सहायक|ผู้ช่วย|助手|アシスタント|어시스턴트)"
)

ROWS: tuple[tuple[str, float, str, tuple[str, ...], bool], ...] = (
    (
        "role_reassignment",
        1.0,
        rf"{_YOU_NOW} (?:an? |the |my |ein\w? |un\w? |el |le |la |o |il |een |mot |một )?"
        rf"(?:{_PERSONA}(?![\w-])|[^\n.!?]{{0,40}}?(?:{_UNBOUND}|{_AI_WORDS}(?![\w-]) "
        rf"(?:[^\n.!?]{{0,30}}? )?{_UNBOUND}))",
        ("you", "from now", "du", "ab jetzt", "ahora", "a partir", "tu", "vous", "desormais",
         "agora", "ora", "adesso", "da ora", "je", "jij", "vanaf", "ты", "теперь", "отныне", "вы",
         "ти", "тепер", "відтепер", "artik", "sen", "teraz", "od teraz", "sasa", "wewe",
         "kuanzia", "sekarang", "kamu", "anda", "mulai", "bay", "ban", "tu", "nu", "du", "fran",
         "εισαι", "τωρα", "απο", "אתה", "עכשיו", "מעכשיו", "أنت", "الآن", "من", "تو", "اکنون", "از",
         "तुम", "आप", "अब", "ab", "tum", "ตอนนี้", "คุณ", "你", "现在", "从现在", "從現在", "今から",
         "あなた", "이제", "지금부터"),
        True,
    ),
    (
        "new_instructions",
        0.6,
        rf"(?<![\w-]){_NEW_TASK}(?![\w-])",
        ("new", "nouvel*", "nueva*", "neue*", "nova*", "nuov*", "nieuwe", "новая", "новые",
         "нове", "нові", "yeni", "nowe", "tugas*", "instruksi", "perintah", "nhiem", "huong",
         "chi", "kazi", "maagizo", "ny", "nya", "νεα", "νεες", "משימה", "הוראות", "مهمة", "مهمتك",
         "تعليمات", "وظیفه", "دستورالعمل", "नया", "नए", "naya", "naye", "งานใหม่", "คำสั่งใหม่",
         "新", "新しい", "새로운", "새"),
        False,
    ),
    (
        "new_instructions",
        1.0,
        rf"(?<![\w-]){_NEW_TASK}(?:mu|ku)?(?:(?: (?:for|pour|para|fur|per|voor|для|kwa|untuk|cho)"
        rf"(?: the| l'| el| la| den| die| il| o| a)? ?{_AI_WORDS}))? ?{_COPULA} ",
        ("new", "nouvel*", "nueva*", "neue*", "nova*", "nuov*", "nieuwe", "новая", "новые",
         "нове", "нові", "yeni", "nowe", "tugas*", "instruksi", "perintah", "nhiem", "huong",
         "chi", "kazi", "maagizo", "ny", "nya", "νεα", "νεες", "משימה", "הוראות", "مهمة", "مهمتك",
         "تعليمات", "وظیفه", "دستورالعمل", "नया", "नए", "naya", "naye", "งานใหม่", "คำสั่งใหม่",
         "新", "新しい", "새로운", "새"),
        False,
    ),
)  # fmt: skip
"""The rules of this module, compiled by ``plangate.graphs.guards.injection_rules``."""
