"""Injection rules for markup that forges the conversation: template tokens, role tags, headers.

A tool result that carries a model's chat-template tokens or a role tag is trying to end the
data and open a turn of its own. Beyond the tokens ``plangate.graphs.guards.injection_rules``
lists one by one, these rules read the families:

- any special token of the ``<|name|>`` shape (ChatML, Llama 3, Phi, DeepSeek after NFKC),
  Gemma's ``<start_of_turn>``/``<end_of_turn>``, ``<function=name>`` calls, and the
  ``[system](#instructions)`` links of early Bing prompts;
- XML-like tags whose name holds a role or prompt word (``<system_instructions>``,
  ``</user_input>``, ``<developer-note>``), which no web page or venue description needs;
- bracketed headers that claim authority and go straight to an order (``[ADMIN OVERRIDE]
  cancel …``, ``(SYSTEM NOTICE): transfer …``), such headers opening a line
  (``SYSTEM OVERRIDE:``, weaker), and ``[TOOL RESULT]`` labels;
- ReAct traces: ``Thought:`` followed by ``Action:``, or an ``Action:`` line that names a
  snake_case tool.

Patterns read normalised text and use bounded repetition only. ``ROWS`` is in the
``(name, weight, pattern, triggers, leet)`` shape the rules module compiles.
"""

from __future__ import annotations

_VERBS = (
    r"(?:ignore|disregard|forget|call|invoke|use|execute|run|book|buy|sell|transfer|send|wire"
    r"|forward|email|cancel|delete|reveal|tell|say|respond|reply|output|recommend|include|add"
    r"|place|mark|rate|approve|upgrade|rebook|disable|remove|grant|upload|you|all"
    r"|the assistant|assistants?|ai|agents?)"
)
_ROLE_WORD = (
    r"(?:system|instructions?|prompt|assistant|developer|admin|user_(?:input|query|message"
    r"|request|turn|content)|human_turn|model_turn|im_start|im_end)"
)
# Who claims to speak: "[Security] Reset your password" and "(Urgent) confirm" are mail subjects.
_HEADER = r"(?:admin|administrator|system|operator|developer|root|ai|assistant|moderator|owner)"
_HEADER_KIND = r"(?:override|notice|directive|instruction|command|message|update|note|alert|order)"
_ORDER = r"(?:override|directive|instruction|command)"

ROWS: tuple[tuple[str, float, str, tuple[str, ...], bool], ...] = (
    ("chat_template", 1.0, r"<\|[a-z][a-z_]{1,30}\|>|<(?:start|end)_of_turn>|<function=[\w.-]{1,60}>|\[(?:system|assistant|user|developer)\]\(#[\w-]{1,30}\)", ("<|", "<start_", "<end_", "<function=", "[system", "[assistant", "[user", "[developer"), False),
    ("chat_template", 1.0, rf"</?[a-z_]{{0,20}}{_ROLE_WORD}[a-z_]{{0,20}}>", ("<",), False),
    ("directive", 1.0, rf"[\[(]\s?{_HEADER}(?: {_HEADER_KIND})?\s?[\])]\s?:?\s?(?:(?:please|now|immediately|urgent)[,:]? ){{0,2}}{_VERBS}\b|[\[(]\s?(?:\w{{1,15}} )?{_ORDER}\s?[\])]\s?:?\s?(?:(?:please|now|immediately)[,:]? ){{0,2}}{_VERBS}\b", ("admin", "administrator", "system", "operator", "developer", "root", "ai", "assistant", "moderator", "owner", "override", "directive", "instruction", "command"), False),
    ("directive", 0.6, rf"(?:^|(?<=[\n.!?>\]]))\s?{_HEADER} {_HEADER_KIND}\s?:", ("admin", "administrator", "system", "operator", "developer", "root", "ai", "assistant", "moderator", "owner"), False),
    ("chat_template", 1.0, r"(?:^|\n)\s?#{1,6} ?(?:system|developer|assistant|admin|operator) (?:message|prompt|instructions?|override|turn|directive)s? ?:?\s?(?:\n|$)", ("system", "developer", "assistant", "admin", "operator"), False),
    ("role_marker", 0.6, r"(?:^|\n)\s?#{1,6} ?(?:system|developer|assistant|admin|operator) ?:?\s?(?:\n|$)", ("system", "developer", "assistant", "admin", "operator"), False),
    ("fake_tool_result", 1.0, r"(?:^|\n)\s?thought\s?:[^\n]{0,200}\n(?:[^\n]{0,200}\n)?\s?action\s?:|(?:^|\n)\s?action\s?:\s?[a-z][a-z0-9]{0,30}_[a-z0-9_]{1,40}\s?(?:\n|$)", ("thought", "action"), False),
    ("fake_tool_result", 1.0, r"\[(?:tool|function)[ _](?:results?|outputs?|responses?|calls?|returns?)\]", ("tool", "function"), False),
)  # fmt: skip
"""The rules of this module, compiled by ``plangate.graphs.guards.injection_rules``."""
