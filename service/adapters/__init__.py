"""Adapters: the only modules that import third-party SDKs (chromadb, sentence-transformers, langchain)."""
