"""docker-compose.yml and the Dockerfile: structure, and every environment name is a real setting."""

from __future__ import annotations

import re

import yaml

from service.settings import Settings

from .conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_services_and_wiring() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"chroma", "ingest", "api"}
    chroma = services["chroma"]
    assert chroma["image"].startswith("chromadb/chroma:")
    assert "healthcheck" in chroma and any(v.startswith("chroma-data:") for v in chroma["volumes"])
    assert "chroma-data" in COMPOSE["volumes"]
    for name in ("api", "ingest"):
        svc = services[name]
        assert svc["environment"]["CITED_CHROMA_URL"] == "http://chroma:8000"
        assert svc["depends_on"]["chroma"]["condition"] == "service_healthy"
    assert services["ingest"]["command"] == ["cited", "ingest"] and services["ingest"]["restart"] == "no"


def test_compose_environment_names_are_settings() -> None:
    fields = {f"CITED_{name.upper()}" for name in Settings.model_fields}
    for name, svc in COMPOSE["services"].items():
        for key in svc.get("environment", {}):
            if key.startswith("CITED_"):
                assert key in fields, f"{name}: {key} is not a setting"


def test_compose_values_parse_as_settings(monkeypatch) -> None:  # noqa: ANN001
    env = COMPOSE["services"]["api"]["environment"]
    for key, value in env.items():
        monkeypatch.setenv(key, re.sub(r"\$\{[A-Z_]+:-(.*)\}", r"\1", str(value)))
    s = Settings()
    assert s.chroma_url == "http://chroma:8000" and s.environment == "production" and not s.docs_on()
    assert s.cors_origins == ["https://www.clinic.example"]


def test_dockerfile_is_cpu_non_root_and_offline() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "torch==2.13.0" in text and "/whl/cpu" in text
    assert re.search(r"^USER (?!root)\w+", text, re.M)
    assert "HF_HUB_OFFLINE=1" in text and "HEALTHCHECK" in text
    for key in re.findall(r"\b(CITED_[A-Z_]+)=", text):
        assert key.removeprefix("CITED_").lower() in Settings.model_fields
