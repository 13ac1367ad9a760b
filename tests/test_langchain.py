"""LangChain: the retriever in an LCEL chain, and LLM phrasing verified sentence by sentence."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from service.adapters.langchain_retriever import CitedRetriever
from service.answering.engine import Engine, answer_question

Q = "What are the common side effects of oral ketamine?"


@pytest.fixture
def engine(corpus_engine: Engine) -> Engine:
    return corpus_engine


def test_retriever_composes_in_an_lcel_chain(engine: Engine) -> None:
    retriever = CitedRetriever(retriever=engine.retriever, k=3)
    docs = retriever.invoke(Q)
    assert len(docs) == 3 and all(d.metadata["chunk_id"] and d.metadata["document_id"] for d in docs)
    prompt = ChatPromptTemplate.from_template("Context: {context}\nQuestion: {question}")
    seen: list[str] = []

    def capture(value):  # noqa: ANN001, ANN202
        seen.append(value.to_string())
        return value

    chain = ({"context": retriever | RunnableLambda(lambda ds: "\n".join(d.page_content for d in ds)),
              "question": RunnablePassthrough()} | prompt | RunnableLambda(capture)
             | FakeListChatModel(responses=["ok"]) | StrOutputParser())
    assert chain.invoke(Q) == "ok"
    assert docs[0].page_content in seen[0]


def _with_model(engine: Engine, reply: str) -> Engine:
    return Engine(engine.settings, engine.store, engine.embedder, chat_model=FakeListChatModel(responses=[reply]))


def test_faithful_phrasing_is_kept(engine: Engine) -> None:
    base = answer_question(engine, Q)
    c = base.citations[0]
    reply = f"{c.quote} [1]"
    a = answer_question(_with_model(engine, reply), Q)
    assert a.debug and a.debug.get("phrasing") == "llm"
    assert a.answer == reply and [x.n for x in a.citations] == [1] and a.citations[0].quote == c.quote


def test_invented_fact_is_dropped_and_extractive_answer_returned(engine: Engine) -> None:
    base = answer_question(engine, Q)
    reply = "Ketamine cures depression permanently in 95% of people after one dose [1]"
    a = answer_question(_with_model(engine, reply), Q)
    assert a.debug and a.debug.get("phrasing") == "extractive_fallback"
    assert a.answer == base.answer and "95%" not in a.answer


def test_wrong_citation_is_dropped(engine: Engine) -> None:
    base = answer_question(engine, Q)
    assert len(base.citations) >= 2
    first, second = base.citations[0], base.citations[1]
    reply = f"{first.quote} [1] {first.quote} [2]"  # the second sentence cites a passage that does not say it
    if first.quote == second.quote:
        pytest.skip("the two citations quote the same sentence")
    a = answer_question(_with_model(engine, reply), Q)
    assert a.debug and a.debug.get("phrasing") == "llm"
    assert len(a.citations) == 1 and a.citations[0].quote == first.quote
    assert [d["n"] for d in a.debug["dropped_sentences"]] == [2]


def test_uncited_sentences_and_a_failing_model_fall_back(engine: Engine) -> None:
    base = answer_question(engine, Q)
    a = answer_question(_with_model(engine, "Side effects are common but mild."), Q)
    assert a.answer == base.answer

    class Broken:
        def invoke(self, _):  # noqa: ANN001, ANN202
            raise ConnectionError("endpoint down")

    b = answer_question(Engine(engine.settings, engine.store, engine.embedder, chat_model=Broken()), Q)
    assert b.answer == base.answer and b.outcome == "answered"
