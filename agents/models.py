"""Choosing the chat model: ``offline`` or any ``init_chat_model`` string.

``resolve_model("offline")`` is ``None`` — the agent plans with its grammar and answers with its
offline function. ``"openai:gpt-4o-mini"``, ``"ollama:llama3.1"``, ``"anthropic:claude-…"`` go
through LangChain's ``init_chat_model``; ``PLANGATE_MODEL`` supplies the default. A missing
provider package or API key is a one-line ``UsageError`` naming the extra to install or the
variable to set — never a stack trace.
"""

from __future__ import annotations

import os

from langchain_core.language_models import BaseChatModel

from plangate.tools.errors import UsageError

OFFLINE = "offline"
ENV_VAR = "PLANGATE_MODEL"
_PROVIDERS = {
    "openai": ("langchain_openai", "openai", "OPENAI_API_KEY"),
    "anthropic": ("langchain_anthropic", "anthropic", "ANTHROPIC_API_KEY"),
    "ollama": ("langchain_ollama", "ollama", None),
}


def model_name(choice: str | None = None) -> str:
    """The model asked for: ``choice``, else ``$PLANGATE_MODEL``, else ``offline``."""
    return (choice or os.environ.get(ENV_VAR) or OFFLINE).strip()


def resolve_model(choice: str | None = None) -> BaseChatModel | None:
    """The chat model for ``choice`` (``None`` for offline).

    Raises:
        UsageError: the string is malformed, the provider unknown, its package or key missing.
    """
    name = model_name(choice)
    if name == OFFLINE:
        return None
    provider, sep, model = name.partition(":")
    if not sep or not model:
        raise UsageError(
            f"model {name!r} is not 'offline' or 'provider:model' (e.g. openai:gpt-4o-mini)"
        )
    if provider not in _PROVIDERS:
        raise UsageError(
            f"unknown model provider {provider!r}; use one of: {', '.join(sorted(_PROVIDERS))}"
        )
    module, extra, key_var = _PROVIDERS[provider]
    try:
        __import__(module)
    except ImportError:
        raise UsageError(
            f"{provider} models need the {module} package: pip install 'plangate[{extra}]'"
        ) from None
    if key_var and not os.environ.get(key_var):
        raise UsageError(f"{provider} models need an API key: set {key_var}")
    from langchain.chat_models import init_chat_model

    try:
        return init_chat_model(model, model_provider=provider)
    except Exception as exc:  # the provider's own error, translated at this one boundary
        raise UsageError(f"cannot start model {name!r}: {exc}") from exc
