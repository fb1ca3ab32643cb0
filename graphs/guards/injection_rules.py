"""The injection rules: weighted patterns over normalised text, each with its trigger words.

A rule is a signal name, a weight, a precompiled pattern and the literal trigger words one of
which every match contains. The scanner (``plangate.graphs.guards.injection``) finds every
trigger in one pass of a trie-shaped regex, then runs each rule only in windows around its
triggers. Patterns use bounded repetition only (``{0,n}``, single-space gaps, since the
normaliser collapses whitespace), so each window costs a bounded amount per character and
the whole scan stays linear.

Families: instruction overrides (English here, other languages in
``plangate.graphs.guards.injection_lexicon``), rules declared void, role reassignment and
jailbreaks, chat-template tokens, role markers and fake conversation turns, fake tool
results and tool-call JSON, messages addressed to an AI, secrecy towards the user, tool and
money requests, exfiltration, and context breaks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plangate.graphs.guards.injection_actions import ROWS as ACTION_ROWS
from plangate.graphs.guards.injection_lexicon import ADDRESSEES, LANGUAGES, NOTES, Language
from plangate.graphs.guards.injection_lexicon_regional import REGIONAL
from plangate.graphs.guards.injection_markup import ROWS as MARKUP_ROWS
from plangate.graphs.guards.injection_phrases import ROWS as PHRASE_ROWS
from plangate.graphs.guards.trie import trie_pattern

__all__ = ["REPORTED", "RULES", "SQUASHED", "UNLESS_REACH", "Rule", "trie_pattern", "trigger_index"]


@dataclass(frozen=True)
class Rule:
    """One weighted pattern.

    Attributes:
        name: the signal it reports.
        weight: what it adds to a text's score (1.0 flags a text alone).
        pattern: the compiled pattern, searched over normalised text.
        triggers: literal words, one of which is inside every match.
        leet: whether it also runs over the leetspeak reading of a text.
        reach: how far before and after a trigger its matches may extend, in characters.
        squashed: whether ``pattern`` is searched in the window read letters-only (``squash``)
            rather than in the text itself; such a rule counts only when no plain override
            was found.
        unless: a pattern that, matching the ``UNLESS_REACH`` characters just before a match
            (anchored at their end), makes that match not count: reported speech, "analysts
            told investors to disregard prior guidance".
    """

    name: str
    weight: float
    pattern: re.Pattern[str]
    triggers: tuple[str, ...]
    leet: bool = False
    reach: int = 200
    squashed: bool = False
    unless: re.Pattern[str] | None = None


UNLESS_REACH = 60
"""How many characters before a match a rule's ``unless`` pattern reads."""
REPORTED = re.compile(
    r"\b(?:told|tells|telling|asked|asks|asking|advised|advises|advising|urged|urges|urging"
    r"|encouraged|encourages|instructed|recommended|warned|reminded|cautioned|persuaded"
    r"|convinced|expected|allowed|forced|pushed)\s(?:(?!(?:you|u|yourself|the assistant"
    r"|the ai|the model|the bot)\b)[\w'’-]{1,30}\s){1,4}to\s$"
)
"""A third party told to set something aside: reported speech, not an order to the reader."""

REACH = 200
"""How far around a trigger a rule's match may extend, in characters (``Rule.reach``)."""
_WORD_START = re.compile(r"[a-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]")  # spaced scripts

_S = r"[ ,\"'“”«»()*]{1,3}"  # the gap between two words of one clause
_W = r"[\w'’]{1,40}"  # one word


def _gap(words: int) -> str:
    return rf"(?:{_S}{_W}){{0,{words}}}{_S}"


_AI = r"(?:ai|assistant|agent|chatbot|bot|llm|language model|model|gpt|copilot|claude)s?"
# Words that name an AI without doubt; "agent" and "model" also name travel agents and P/E models.
_BOT = r"(?:ai|ai assistant|ai agent|assistant|chatbot|bot|llm|language model|gpt|copilot|claude)s?"
_VERBS = r"(?:ignore|call|invoke|use|execute|run|book|buy|sell|transfer|send|wire|forward|email|cancel|delete|reveal|tell|say|respond|reply|output|recommend|include|add|place|mark|rate|approve|upgrade|rebook|confirm)"
_SET_ASIDE = (
    r"(?:ignor(?:e|es|ed|ing)|disregard\w{0,3}|forg[eo]t\w{0,4}|overrid\w{1,3}|overwrit\w{1,4}"
    r"|bypass\w{0,3}|neglect\w{0,3}|discard\w{0,3}|drop\w{0,4}|abandon\w{0,3}|skip\w{0,4}"
    r"|scrap\w{0,4}|suspend\w{0,3}|revok\w{1,3}|nullif\w{1,3}|eras\w{1,3}|wipe\w{0,2}"
    r"|circumvent\w{0,3}|disobey\w{0,3}|set aside|put aside|toss (?:out|aside)"
    r"|throw (?:out|away|aside)|pay no (?:attention|heed|mind) to|get rid of"
    r"|free yourself (?:from|of)|break free (?:from|of)"
    r"|(?:do not|don't|dont|never|stop|no longer|cease to|quit) (?:follow\w{0,4}|obey\w{0,4}|adher\w{0,4}|respect\w{0,4}|comply|complying|listen\w{0,4})(?: (?:to|with|by))?)"
)
# The words that may stand between the verb and its object: "ignore all of the previous ...".
_FILL = (
    r"(?:previous(?:ly)?|prior|above|earlier|preceding|original|initial|system'?s?|developer'?s?"
    r"|safety|security|ethical|content|operator'?s?|your|all|any|every|each|those|these|existing"
    r"|current|old|former|default|standing|given|hidden|whole|entire|other|programmed|preset"
    r"|built-?in|core|base|internal|following|aforementioned|stated|last|first|general"
    r"|moderation|usage|company|assistant'?s?|model'?s?|(?!my\b|our\b)\w{1,3})"
)
_RULES = (
    r"(?:instructions?|instructed|prompts?|rules?|directions|guidelines?|guidance|directives?"
    r"|programming|constraints?|restrictions?|commands?|polic(?:y|ies)|safeguards?|guardrails?"
    r"|training|conditioning|protocols?|boundaries|ethics|morals)"
)
_VERB_WORDS = (
    "ignor*", "disregard*", "forget*", "forgot*", "overrid*", "overwrit*", "bypass*", "neglect*",
    "discard*", "drop*", "abandon*", "skip*", "scrap*", "suspend*", "revok*", "nullif*", "eras*",
    "wipe*", "circumvent*", "disobey*", "aside", "toss", "throw", "pay no", "get rid", "free yourself",
    "break free", "follow*", "obey*", "adher*", "respect*", "comply", "complying", "listen*",
)  # fmt: skip
"""Triggers of the English overrides: the verbs, one of which every override holds."""
_NOTE_WORDS = tuple(NOTES[3:-1].split("|"))
_STRONG = (
    r"(?:your|system|safety|developer|assistant'?s|model'?s|ai'?s|original|initial|preceding"
    r"|above|(?:all|any) (?:previous|prior|earlier|of your)|(?:the )?(?:previous|prior|earlier|preceding|old)(?= (?:(?!(?:for|on|about|regarding|of|in|to|at|with)\b)\w{1,20} ){1,5}(?:were|was|are|is) (?:just |only |all |merely )?(?:a test|fake|false|wrong|a mistake|a joke|a trick|not real|fabricated|a decoy)))"
)
_VOID = (
    r"(?:no longer appl\w{0,3}|(?:is|are|were|have been|has been|now) (?:now |hereby |officially )?"
    r"(?:void|null|obsolete|cancell?ed|revoked|suspended|disabled|deactivated|invalid|outdated"
    r"|superseded|overridden|off|gone|irrelevant)|do(?:es)? not apply|don'?t apply"
    r"|(?:should|must|can|may|will) be (?:ignored|disregarded|forgotten|skipped|overridden|discarded)"
    r"|(?:were|was|are|is) (?:just |only |all |merely )?(?:a test|fake|false|wrong|a mistake|a joke|a trick|not real|fabricated|a decoy))"
)
_HUMAN = r"(?:user|human|customer|client|traveller|traveler|passenger|guest|account holder)"
_ROLE_OPEN = r"(?:^|(?<=[\n.!?;>\]}\"'|—–-]))\s?[\[<(#*]{0,3}\s?"
_ROLE_CLOSE = r"\s?[\]>)*]{0,3}\s?:"


# (name, weight, pattern, triggers, leet)
_TABLE: tuple[tuple[str, float, str, tuple[str, ...], bool], ...] = (
    ("instruction_override", 1.0, rf"\b{_SET_ASIDE}(?:{_S}{_FILL}){{0,5}}{_S}{_RULES}\b", _VERB_WORDS, True),
    ("instruction_override", 1.0, rf"\b{_SET_ASIDE}(?:{_S}(?:all|about))?{_S}(?:everything|anything|whatever|all that|what)(?:{_S}{_W}){{0,3}}?{_S}(?:above|before|prior|previously|earlier|so far|(?:you|u) (?:were|was|have been|'ve been|got|are|have) (?:told|given|instructed|taught|programmed|asked|trained))\b(?! (?:the|this|that|a)\b)", _VERB_WORDS, True),
    ("instruction_override", 1.0, rf"\b(?:ignor\w{{1,3}}|disregard\w{{0,3}}|forget|overrid\w{{1,3}}|bypass\w{{0,2}}|(?:stop|quit|cease|no longer|do not|don't|dont|never) (?:follow|obey|listen)\w{{0,3}}(?: to)?) (?:the |what the |your |this )?{_HUMAN}(?:'?s)?\b(?! (?:interface|experience|manual|guide|reviews?|ratings?|name|id|agreement|account|portal|data)\b)", ("ignor*", "disregard*", "forget", "overrid*", "bypass*", "follow*", "obey*", "listen*"), True),
    ("instruction_override", 1.0, rf"\b(?:{_STRONG}(?:{_S}{_W}){{0,2}}{_S}{_RULES}|{_RULES}{_S}(?:that |which )?(?:you|u) (?:received|were given|got|have|had|follow\w{{0,3}}|were told)(?:{_S}{_W}){{0,2}}){_gap(4)}?{_VOID}", ("longer", "void", "null", "obsolete", "cancel*", "revoked", "suspended", "disabled", "deactivated", "invalid", "outdated", "superseded", "overridden", "off", "gone", "irrelevant", "apply", "ignored", "disregarded", "forgotten", "skipped", "discarded", "test", "fake", "false", "wrong", "mistake", "joke", "trick", "real", "fabricated", "decoy"), True),
    ("instruction_override", 1.0, rf"\b{_SET_ASIDE} your (?:[\w']{{1,20}} )?(?:configuration|config|settings|programming|setup|persona|personality|identity|role)\b|\b(?:reset|change|update|replace|rewrite|modify|alter|reprogram|reconfigure|wipe)\w{{0,3}} your (?:[\w']{{1,20}} )?(?:instructions|rules|programming|prompt|guidelines|directives|system prompt)\b", ("configuration", "config", "settings", "programming", "setup", "persona", "personality", "identity", "role", "instructions", "rules", "prompt", "guidelines", "directives"), True),
    ("authority_claim", 0.6, r"\b(?:this is|i am|i'm|message from|speaking as) (?:the |your )?(?:system )?(?:administrator|admin|developer|operator|owner|creator|openai|anthropic|system)\b", ("this is", "i am", "i'm", "message from", "speaking as"), False),
    ("speaks_for_user", 0.6, rf"\bthe {_HUMAN} (?:actually |really |also |secretly )?(?:wants|asked|asks|wishes|needs|would like|expects|told me to tell) you to\b", ("user", "human", "customer", "client", "travel*", "passenger", "guest", "account holder"), False),
    ("skip_confirmation", 0.6, r"\b(?:don't|do not|never|no need to|without) (?:ask\w{0,3}|confirm\w{0,3} with|check\w{0,3} with|consult\w{0,3}|bother\w{0,3}) (?:them|the user|the customer|the client|him|her|the traveller|the human)\b", ("ask*", "confirm*", "check*", "consult*", "bother*"), False),
    ("instruction_override", 1.0, rf"\byou are no longer bound by\b[^\n]{{0,30}}{_RULES}", ("bound",), False),
    ("new_instructions", 0.6, r"\b(?:new|updated|revised|real|actual|true|overriding|secret|hidden)\s(?:instructions?|task|objective|directives?|orders|commands?|prompt)\b\s?[:\-]|\byou have (?:new|updated) (?:instructions|orders|tasks)\b|\byour (?:real|actual|true|new|only|primary|updated|sole|hidden) (?:task|job|goal|objective|instructions?|mission|purpose|directive|assignment|orders)\b", ("instruction*", "task*", "objective", "directive*", "orders", "command*", "prompt", "job", "goal", "mission", "purpose", "assignment"), False),
    ("new_instructions", 1.0, r"\byour (?:real|actual|true|new|only|primary|updated|sole|hidden) (?:instructions?|task|job|orders|mission|objective|goal) (?:is|are|will be) (?:now )?(?:to|as follows)\b", ("instruction*", "task*", "job", "orders", "mission", "objective", "goal"), False),
    ("new_instructions", 1.0, rf"\b(?:new|updated|revised|real|actual|true|overriding|secret|hidden)\s(?:instructions?|task|orders|directives?|commands?)\s?[:\-]\s?(?:[\w']{{1,20}} ){{0,2}}?{_VERBS}\b", ("instruction*", "task*", "orders", "directive*", "command*"), False),
    ("directive", 0.6, r"\b(?:priority|mandatory|binding|override|admin|administrator)\s(?:directive|instruction|command|override|notice)s?\b", ("directive*", "instruction*", "command*", "override*", "notice*"), False),
    ("agent_audience", 0.6, r"\bfor (?:all |any )?(?:automated|autonomous|ai) (?:agents?|assistants?|systems?|models?|readers?)\b", ("automated", "autonomous", "ai"), False),
    ("imperative_now", 0.5, r"\byou (?:must|should|will|need to) now\b", ("now",), False),
    ("reveal_prompt", 1.0, r"\b(?:reveal|print|show|repeat|output|leak|display|dump|disclose)\b[^\n]{0,30}\b(?:system prompt|hidden instructions|initial prompt|your (?:instructions|prompt|configuration|config|secrets|credentials)|(?:the|your) api keys?)", ("prompt", "instructions", "configuration", "config", "secrets", "credentials", "api"), False),
    ("role_reassignment", 1.0, rf"\byou(?:'re| are)? now (?:an?\s|the\s|my\s)?(?:[\w-]{{1,30}}\s){{0,2}}(?:{_AI}|dan|jailbroken|unrestricted|unfiltered|uncensored)\b|\byou(?:'re| are)? now (?:operating |running |working |acting )?in (?:[\w-]{{1,30}} ){{0,2}}mode\b", ("now",), True),
    ("role_reassignment", 1.0, rf"\b(?:from now on|from this (?:point|moment) (?:on|onwards?|forward)|henceforth|hereafter|going forward|starting now),? (?:you\b[^\n]{{0,40}}\b(?:ignore|obey|only (?:respond|answer|follow|reply)|(?:respond|answer|reply) only|act as|are an?\s(?:[\w-]{{1,30}}\s)?(?:{_AI}|dan))\b|(?:only )?(?:respond|answer|reply|output)(?: only)? (?:with|in|as)\b)", ("from now on", "from this point", "from this moment", "henceforth", "hereafter", "going forward", "starting now"), True),
    ("jailbreak", 1.0, r"\bdo anything now\b|\b(?:dan|developer|god|maintenance|debug|admin|jailbreak|unrestricted) mode (?:enabled|activated|engaged|on(?! [a-z]))\b|\benter (?:dan|god|developer) mode\b|\b(?:act|behave|respond) as (?:an? |my |your |the )?(?:unrestricted|unfiltered|jailbroken|evil|uncensored)\b|\b(?:act as|pretend (?:to be|you are)|roleplay as|become)\b[^\n]{0,40}\b(?:no|without (?:any )?) ?(?:[\w-]{1,15} )?(?:restrictions|rules|limits|filters|limitations|guardrails|constraints|checks|safeguards|oversight|approvals?|ethics|morals|censorship|guidelines)\b", ("anything now", "mode", "act", "behave", "respond", "pretend", "roleplay", "become"), True),
    ("chat_template", 1.0, r"<\|(?:im_start|im_end|im_sep|system|user|assistant|endoftext|eot_id|start_header_id|end_header_id|begin_of_text)\|>|\[/?inst\]|<</?sys>>|\b(?:begin|start) (?:system|new) (?:instructions?|prompt|message)\b|\bend of (?:user|system) (?:input|message|content|prompt)\b|[\]}>#=*-] ?end user input\b|###\s?(?:instructions?|system|response|new instructions?)\s?:|</?(?:system|assistant|instructions?|sys|tool_calls?|tool_results?|tool_use|tool_response|function_calls?|function_results?|function_response|tool_output|search_results?)>", ("<|", "<<", "<system", "</system", "<assistant", "</assistant", "<instruction", "</instruction", "<sys", "</sys", "<tool_", "</tool_", "<function_", "</function_", "<search_", "</search_", "[inst", "[/inst", "###", "begin system", "begin new", "start system", "start new", "end of user", "end of system", "end user input"), False),
    ("role_marker", 0.6, rf"{_ROLE_OPEN}(?:system|assistant|developer|user|human|ai|bot|chatbot|llm|gpt|claude|copilot)s?{_ROLE_CLOSE}|###\s?(?:instructions?|system|response)\b", ("system", "systems", "assistant", "assistants", "developer", "developers", "user", "users", "human", "humans", "ai", "ais", "bot", "bots", "chatbot*", "llm*", "gpt", "claude", "copilot", "###"), False),
    ("fake_turns", 1.0, rf"{_ROLE_OPEN}(?:user|human)s?{_ROLE_CLOSE}[^\n]{{0,150}}\n(?:[^\n]{{0,150}}\n)?\s?[\[<(#*]{{0,3}}\s?(?:assistant|ai|bot|gpt|claude){_ROLE_CLOSE}|{_ROLE_OPEN}(?:assistant|ai|bot|gpt|claude){_ROLE_CLOSE}[^\n]{{0,150}}\n(?:[^\n]{{0,150}}\n)?\s?[\[<(#*]{{0,3}}\s?(?:user|human)s?{_ROLE_CLOSE}", ("user", "users", "human", "humans"), False),
    ("role_command", 1.0, rf"{_ROLE_OPEN}(?:system|developer|admin|administrator|assistant|ai|bot|operator|root){_ROLE_CLOSE}[^\n]{{0,80}}?\b(?:you|your|i will|i'll|i am going to|the {_HUMAN} (?:has|is|wants|approved|authori[sz]ed|confirmed)|must|now|always|never|ignore|disregard|forget|book|buy|sell|cancel|transfer|wire|approve|call|place|execute|send|forward|delete|reveal|override|reply|respond|output|grant|authori[sz]e)\b", ("system", "developer", "admin", "administrator", "assistant", "ai", "bot", "operator", "root"), False),
    ("pre_authorised", 0.6, rf"\b{_HUMAN}s? (?:has |have |had )?(?:already )?(?:pre)?(?:authori[sz]ed|approved|consented|agreed to|signed off)\b", ("authorised", "authorized", "preauthorised", "preauthorized", "approved", "preapproved", "consented", "agreed", "signed off"), False),
    ("fake_tool_result", 1.0, r"\b(?:tool|function)[ _](?:results?|outputs?|responses?|returns?|calls?)\s?:\s?[\[{\"<]|\bobservation\s?:[^\n]{0,200}\n?[^\n]{0,5}\baction(?: input)?\s?:|\baction input\s?:|\"role\"\s?:\s?\"(?:system|assistant|tool|developer|function)\"|[\"']?(?:tool_calls?|function_calls?|tool_use|tool_results?|function_results?|tool_response|tool_output)[\"']?\s?[:,}]|\{\s?[\"']name[\"']\s?:\s?[\"'][\w.-]{1,60}[\"']\s?,\s?[\"'](?:arguments|parameters|args|input)[\"']", ("tool", "tools", "function", "functions", "tool_*", "function_*", "observation", "action input", '"role"', '"name"'), False),
    ("addressed_to_ai", 1.0, rf"\b(?:note|message|instructions?|rules?|heads[ -]?up|memo|reminder|p\.?s\.?|notice|directives?|orders?|commands?|tasks?|warning) (?:to|for) (?:the |any |all |every )?{_BOT}\b|\bif you are an? {_AI}\b|\b{_AI} (?:reading|processing|summari[sz]ing|parsing|scanning|crawling) (?:this|these|the (?:page|document|text|reviews?|site|email)|reviews?|pages?|documents?)\b|\b(?:dear|attention|hey|hi),? {_BOT}\b|\b(?:instructions?|notice|note|message|directive)s?\s(?:to|for)\s(?:all\s|any\s)?(?:downstream|automated|autonomous|ai|ml)\b|\b{_BOT}\s(?:instructions?|directives?|tasks?|orders)\s?:|\b(?:note|message|heads[ -]?up|memo) (?:to|for) the (?:model|agent)\s?:", ("note", "notes", "message", "messages", "rule", "rules", "warning", "scanning", "crawling", "instruction*", "heads", "headsup", "memo", "reminder", "ps", "p.s", "notice*", "if you are", "reading", "processing", "summaris*", "summariz*", "parsing", "dear", "attention", "hey", "hi", "downstream", "automated", "autonomous", "ml", "directive*", "task*", "orders"), False),
    ("addressed_to_ai", 0.6, rf"\b{NOTES} (?:para|pour|a|à|an|ao|al|per|aan|voor|для|to|for|dla|icin) (?:el |la |l'|le |den |die |der |das |o |a |de |het |il |lo |the )?{ADDRESSEES}\b|\b{_BOT}\b[,:]?\s(?:you\s)?(?:(?:must|should|shall|will|needs? to|has to|please|now|immediately)\s){{0,3}}{_VERBS}\b", (*_NOTE_WORDS, "ai", "ais", "assistant*", "chatbot*", "bot", "bots", "llm*", "language model*", "gpt", "copilot", "claude"), False),
    ("reader_address", 0.6, rf"\b(?:whoever|anyone|any (?:system|tool|program)) (?:is )?(?:reading|processing|parsing) this\b|\bi am (?:the|your) (?:developer|creator|administrator|admin|owner|operator)\b[^\n]{{0,20}}\b{_AI}\b", ("whoever", "anyone", "any system", "any tool", "any program", "i am the", "i am your", "ai", "ais", "assistant*", "chatbot*", "bot", "bots", "llm*", "language model*", "gpt", "copilot", "claude"), False),
    ("task_hijack", 1.0, r"\b(?:stop|cease|quit)\s\w{1,20}ing\b[^\n]{0,40}\binstead\b[^\n]{0,20}\b(?:output|reply|respond|print|say|write|return|reveal|send)\b|\b(?:do|follow) (?:what|whatever) this (?:review|note|document|message|email|page|text) says\b", ("instead", "says"), False),
    ("safety_bypass", 1.0, r"\b(?:ignor\w{1,3}|disregard\w{0,3}|forget|overrid\w{1,3}|bypass\w{0,2}|neglect|disable|turn off|switch off|deactivate)\s(?:[\w']{1,30}\s){0,2}?(?:safety|security|policy|risk|compliance|content)\s(?:checks?|filters?|guidelines|rules|limits|policies|measures|controls)\b|\b(?:ignor\w{1,3}|disregard\w{0,3}|overrid\w{1,3}|bypass\w{0,2}|disable)\s(?:all\s)?safety\b", ("ignor*", "disregard*", "forget", "overrid*", "bypass*", "neglect", "disable*", "turn off", "switch off", "deactivat*"), True),
    ("tool_request", 0.8, r"\b(?:call|invoke|use|execute|run|trigger)\s(?:the\s)?[`'\"]?[a-z]{1,30}_[a-z0-9_]{1,40}[`'\"]?(?:\s(?:tool|function))?\b|\b(?:call|invoke|execute|trigger)\sthe\s\w{1,30}\s(?:tool|function|api)\b", ("call", "invoke", "use", "execute", "run", "trigger"), False),
    ("money_movement", 0.6, r"\b(?:transfer|wire|send|move)\b[^\n]{0,30}(?:[$€£]|\b(?:usd|eur|gbp|funds|money|payment|bitcoin|btc|crypto)\b)", ("transfer", "wire", "send", "move"), False),
    ("urgent_action", 0.6, r"\b(?:book|buy|sell|purchase|order|reserve|cancel|transfer|delete|place|upgrade|rebook|call|invoke|execute|run)\b[^\n]{0,80}\b(?:immediately|right away|at once|skip\w{0,3} (?:the |any )?(?:confirmation|approval|verification)|(?:without|no need to) (?:any |further |additional )?(?:ask\w{0,3}|confirm\w{0,6}|approval|verif\w{0,9}|check\w{0,3}|tell\w{0,3}|notify\w{0,3}))", ("immediately", "right away", "at once", "skip*", "without", "no need"), False),
    ("secrecy", 1.0, rf"\b(?:do not|don't|dont|never|must not|mustn't|should not|shouldn't)\s(?:tell|inform|notify|mention|alert|reveal|disclose)\w{{0,3}}\s(?:(?:this|it|anything|that)\s)?(?:[\w']{{1,20}}\s){{0,2}}?(?:to\s)?(?:the|your)\s{_HUMAN}s?\b|\bwithout (?:tell|inform|notify|alert)ing (?:the |your )?{_HUMAN}\b|\b(?:keep (?:this|it) (?:secret|hidden)|hide (?:this|it)) from (?:the |your )?{_HUMAN}\b", ("tell*", "inform*", "notify*", "mention*", "alert*", "reveal*", "disclose*", "secret", "hidden", "hide"), True),
    ("covert_action", 0.6, r"\b(?:quietly|silently|secretly|covertly|discreetly)\s(?:\w{1,20}\s)?(?:book|buy|sell|transfer|wire|send|forward|cancel|delete|upgrade|approve|place|change|rebook|move|email)\b", ("quietly", "silently", "secretly", "covertly", "discreetly"), False),
    ("exfiltration", 1.0, rf"\b(?:send|forward|email|post|upload|leak|share)\b[^\n]{{0,30}}\b(?:conversation|chat history|{_HUMAN}'?s? (?:data|details|information|passport|card|address|phone|email|password)|(?<!your )(?<!our )(?:passport (?:number|details)|card numbers?)|credentials|api keys?|passwords?|system prompt)\b[^\n]{{0,30}}\bto\s?(?:https?://|[\w.+-]{{1,64}}@\w|the following (?:address|url|endpoint))", ("http*", "@", "the following"), False),
    ("exfiltration", 1.0, r"!\[[^\]]{0,200}\]\(https?://[^)\s]{0,300}[?&]\w{1,40}=(?:\{|%7b|\$)", ("![",), False),
    ("context_break", 0.5, r"\b(?:end of (?:document|review|text|context|data|email|note))\b|</(?:document|context|data|review)>", ("end of", "</document", "</context", "</data", "</review"), False),
    ("encoded_payload", 1.0, r"\bdecode (?:this|the following)\b[^\n]{0,40}\b(?:follow|execute|obey|run)\b", ("decode",), False),
)  # fmt: skip


def _language_rule(language: Language) -> tuple[str, float, str, tuple[str, ...], bool]:
    verbs, objects = "|".join(language.verbs), "|".join(language.objects)
    if language.spaced:
        gap = _gap(5)
        pattern = rf"\b(?:{verbs}){gap}(?:{objects})\b|\b(?:{objects}){gap}(?:{verbs})\b"
    else:
        gap = rf"[^。．.！!？?\n]{{0,{language.gap}}}"
        pattern = rf"(?:{verbs}){gap}(?:{objects})|(?:{objects}){gap}(?:{verbs})"
    return ("instruction_override", 1.0, pattern, tuple(f"{t}*" for t in language.triggers), False)


_SQUASHED_VERBS = (
    "ignore",
    "disregard",
    "forget",
    "override",
    "bypass",
    "neglect",
    "discard",
    "drop",
    "skip",
)
_SQUASHED_FOREIGN = (
    "ignora",
    "olvida",
    "oublie",
    "ignorez",
    "vergiss",
    "ignoriere",
    "negeer",
    "dimentica",
    "esqueca",
)
SQUASHED = re.compile(
    rf"(?:{trie_pattern(_SQUASHED_VERBS)})(?:all|any|every|the|of){{0,3}}"
    r"(?:previous|prior|above|earlier|preceding|system|original|initial|existing|safety|developer|your)"
    r"(?:instruction|prompt|rule|direction|guideline|directive|guidance|constraint|restriction)"
    r"|(?:donot|dont|never)(?:tell|inform|notify)(?:the|your)?(?:user|customer)"
    r"|youarenow(?:dan|jailbroken|unrestricted|unfiltered)"
    rf"|(?:{trie_pattern(_SQUASHED_FOREIGN)})[a-z]{{0,16}}?"
    r"(?:instruc|regla|regle|consigne|anweisung|regeln|instructie|istruzion|regra)"
)
"""Override phrases read letters-only ("i.g.n.o.r.e p.r.e.v.i.o.u.s ..."), for ``squash``ed text."""
_SQUASHED_STARTS = tuple(
    f"{word}*"
    for word in (*_SQUASHED_VERBS, *_SQUASHED_FOREIGN, "donot", "dont", "never", "youarenow")
)


_REACH = {"fake_turns": 340, "fake_tool_result": 240}
_UNLESS = {"instruction_override": REPORTED}
RULES: tuple[Rule, ...] = (
    *(
        Rule(
            name,
            weight,
            re.compile(pattern, re.MULTILINE),
            triggers,
            leet,
            _REACH.get(name, REACH),
            unless=_UNLESS.get(name),
        )
        for name, weight, pattern, triggers, leet in (
            *_TABLE,
            *ACTION_ROWS,
            *MARKUP_ROWS,
            *PHRASE_ROWS,
            *(_language_rule(language) for language in (*LANGUAGES, *REGIONAL)),
        )
    ),
    Rule(
        "obfuscated_override", 1.0, SQUASHED, _SQUASHED_STARTS, leet=True, reach=240, squashed=True
    ),
)
"""Every rule the scanner runs."""


def trigger_index(
    rules: tuple[Rule, ...],
) -> tuple[tuple[re.Pattern[str], ...], dict[str, tuple[int, ...]]]:
    """The trigger searches over ``rules`` and, for each text they match, the rules it opens.

    A trigger that starts with a letter matches a whole word ("ai" not inside "said"), or a
    word's start when it ends in ``*`` ("instruct*" in "instructions"); the others (symbols,
    Chinese, Japanese, Korean) match anywhere. A match opens the rules of every trigger it
    satisfies, including shorter stems that are prefixes of it. The two kinds are two
    searches: one regex holding both would lose the engine's skip-ahead on the first character.
    """
    triggers = {t for rule in rules for t in rule.triggers}
    lettered = {t for t in triggers if _WORD_START.match(t)}
    wholes = {t for t in lettered if not t.endswith("*")}
    stems = {t[:-1] for t in lettered if t.endswith("*")}
    others = {t.rstrip("*") for t in triggers - lettered}

    def opens(found: str, trigger: str) -> bool:
        if trigger.endswith("*") or trigger not in lettered:
            return found.startswith(trigger.rstrip("*"))
        return found == trigger

    index = {
        found: tuple(
            i for i, rule in enumerate(rules) if any(opens(found, t) for t in rule.triggers)
        )
        for found in wholes | stems | others
    }
    searches = [trie_pattern({f"{w}\0" for w in wholes} | stems, word_start=True)]
    if others:
        searches.append(trie_pattern(others))
    return tuple(re.compile(search) for search in searches), index
