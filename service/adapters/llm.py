"""The optional phrasing model: a LangChain chat model for an OpenAI-compatible endpoint or Ollama."""

from __future__ import annotations

from typing import Any

from .._exceptions import ConfigError
from ..settings import Settings


def build_chat_model(settings: Settings) -> Any:
    """The configured chat model, or None when phrasing is off (the default)."""
    if settings.llm_provider == "none":
        return None
    if not settings.llm_model:
        raise ConfigError("CITED_LLM_MODEL is required when CITED_LLM_PROVIDER is set")
    try:
        if settings.llm_provider == "openai":
            from langchain_openai import ChatOpenAI

            return ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url,
                              api_key=settings.llm_api_key or "unused", temperature=0, timeout=20)
        from langchain_ollama import ChatOllama

        return ChatOllama(model=settings.llm_model, base_url=settings.llm_base_url, temperature=0)
    except ImportError as exc:
        raise ConfigError(f"install the {exc.name} package to use CITED_LLM_PROVIDER={settings.llm_provider}") from exc
