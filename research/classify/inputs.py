"""Model inputs and the words the classifier's features read (no scikit-learn here, so that
labelling text needs only numpy: :mod:`research.classify.compiled`).

A model input is a raw paragraph string, optionally preceded by its section path and
``CONTEXT_SEP`` (see :func:`compose`); a paragraph pasted alone simply has no context.
"""

from __future__ import annotations

#: Separates a unit's section path from its text in a model input (ASCII record separator).
CONTEXT_SEP = "\x1e"


def compose(text: str, section_path: str = "") -> str:
    """Model input for a paragraph and, when known, its section path."""
    return f"{section_path}{CONTEXT_SEP}{text}" if section_path else text


def split_input(model_input: str) -> tuple[str, str]:
    """``(section_path, text)`` of a model input (the path is "" for a paragraph alone)."""
    path, _, text = str(model_input).rpartition(CONTEXT_SEP)
    return path, text


def as_texts(X, name: str = "X") -> list[str]:
    """Model inputs as a list of strings (one string alone is refused: it is not a batch)."""
    if isinstance(X, (str, bytes)):
        raise ValueError(f"{name} must be a sequence of strings, not one string")
    texts = list(X)
    bad = next((x for x in texts if not isinstance(x, str)), None)
    if bad is not None:
        raise ValueError(f"{name} must hold strings (model inputs), found {type(bad).__name__}")
    return texts


class Doc:
    """A paragraph segmented once: body and path text and their words."""

    __slots__ = ("body", "path", "body_words", "path_words")

    def __init__(self, body: str, path: str, body_words: list[str], path_words: list[str]):
        self.body, self.path, self.body_words, self.path_words = body, path, body_words, path_words


def segment_inputs(X, tokenizer, use_context: bool = True) -> list[Doc]:
    """Raw model inputs -> :class:`Doc` records (jieba runs here, once per paragraph and once
    per distinct section path)."""
    docs, path_words = [], {}
    for raw in X:
        path, body = split_input(raw)
        if not use_context:
            path = ""
        if path not in path_words:
            path_words[path] = tokenizer(path) if path else []
        docs.append(Doc(body, path, tokenizer(body), path_words[path]))
    return docs


def body_words(doc: Doc) -> list[str]:
    """Word unigrams and bigrams of the paragraph."""
    words = doc.body_words
    return words + list(map("{} {}".format, words, words[1:]))


def path_words(doc: Doc) -> list[str]:
    """Words of the section path, marked so they never mix with body words ("§" alone: none)."""
    return [f"§{w}" for w in doc.path_words] or ["§"]


def body_chars(doc: Doc, low: int = 2, high: int = 3) -> list[str]:
    """Character n-grams of the paragraph (robust to segmentation errors and new wording)."""
    text = doc.body
    return [text[i:i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


#: The analyzers a model's TF-IDF blocks may name (a compiled model file names them by these keys).
ANALYZERS = {"body_words": body_words, "path_words": path_words, "body_chars": body_chars}
