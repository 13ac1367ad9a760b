"""Retrieval, answer composition and the answer_question entry point."""
