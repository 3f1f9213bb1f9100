"""The fitted classifier compiled to arrays: it labels text with numpy alone.

Prediction needs only what a fitted :class:`~research.classify.estimator.ParagraphClassifier`
computes: segment each input (jieba), count each TF-IDF block's terms, weight and normalise them,
and apply the logistic regression.  :func:`compile_classifier` reads those parameters off the
fitted estimator (vocabularies, ``idf_``, ``coef_``, ``intercept_``); :class:`CompiledClassifier`
computes the same features and probabilities with numpy, in the same order of operations as
scikit-learn (``tests/test_classify.py`` compares them on every seed unit), so labelling starts
without importing scikit-learn, scipy or skops.  The model file stores it beside the full
estimator (:mod:`research.classify.model_io`); it holds JSON and ``.npy`` arrays, never code.
"""

from __future__ import annotations

from itertools import chain, repeat

import numpy as np

from research.classify.inputs import ANALYZERS, as_texts, body_words, segment_inputs


def compile_classifier(model) -> tuple[dict, dict] | None:
    """``(spec, arrays)`` of a fitted ParagraphClassifier, or None when a feature block is not
    a TF-IDF block (the model file then holds the full estimator only)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    steps = model.pipeline_.named_steps
    segment, logistic = steps["segment"], steps["classify"]
    blocks, arrays = [], {}
    for i, (name, step) in enumerate(steps["features"].transformer_list):
        analyzer = getattr(step, "analyzer", None)
        if (not isinstance(step, TfidfVectorizer) or getattr(analyzer, "__name__", "") not in ANALYZERS
                or ANALYZERS[analyzer.__name__] is not analyzer or step.binary or not step.use_idf
                or step.norm not in ("l2", None) or step.dtype is not np.float64):
            return None
        terms = sorted(step.vocabulary_, key=step.vocabulary_.get)
        blocks.append({"name": name, "analyzer": analyzer.__name__, "sublinear_tf": bool(step.sublinear_tf),
                       "norm": step.norm, "terms": terms})
        arrays[f"idf_{i}"] = np.asarray(step.idf_, dtype=np.float64)
    tokenizer = segment.tokenizer
    spec = {"tokenizer": {k: getattr(tokenizer, k) for k in ("user_dict", "stop", "min_len")},
            "use_context": bool(segment.use_context), "classes": [str(c) for c in logistic.classes_],
            "blocks": blocks}
    arrays["coef"] = np.asarray(logistic.coef_, dtype=np.float64)
    arrays["intercept"] = np.asarray(logistic.intercept_, dtype=np.float64)
    return spec, arrays


class CompiledClassifier:
    """``predict`` and ``predict_proba`` on raw model inputs, from a compiled spec and arrays
    (see :func:`compile_classifier`); ``classes_`` and, once loaded from a file, ``meta_``."""

    def __init__(self, spec: dict, arrays: dict):
        from research.text import Tokenizer

        self.spec = spec
        self.tokenizer = Tokenizer(**spec["tokenizer"])
        self.classes_ = np.array(spec["classes"], dtype=object)
        self.blocks = [(ANALYZERS[b["analyzer"]], {t: j for j, t in enumerate(b["terms"])}, arrays[f"idf_{i}"],
                        b["sublinear_tf"], b["norm"]) for i, b in enumerate(spec["blocks"])]
        self.word_ids = [_WordIds(vocabulary) if analyzer is body_words else None
                         for analyzer, vocabulary, *_ in self.blocks]
        self.coef = np.ascontiguousarray(arrays["coef"], dtype=np.float64)  # classes x features
        self.intercept = arrays["intercept"]

    def get_params(self) -> dict:
        """The parameters of the estimator this was compiled from (as saved in the model file)."""
        return dict(getattr(self, "meta_", {}).get("params", {}))

    def _features(self, X) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The blocks' TF-IDF values side by side as CSR arrays (indptr, indices, data), each
        row's columns ascending, as scikit-learn's ``TfidfVectorizer`` and ``hstack`` give them."""
        docs = segment_inputs(X, self.tokenizer, bool(self.spec["use_context"]))
        n, offset = len(docs), 0
        keys, values = [], []
        for (analyzer, vocabulary, idf, sublinear, norm), words in zip(self.blocks, self.word_ids):
            rows, cols = words.columns(docs) if words else (np.zeros(0, dtype=np.int64),) * 2
            slow = [i for i, doc in enumerate(docs) if not words or " " in doc.body]
            if slow:  # the analyzer's strings, looked up one by one
                get, more_rows, more_cols = vocabulary.get, [], []
                for i in slow:
                    ids = [j for j in map(get, analyzer(docs[i])) if j is not None]
                    more_cols.extend(ids)
                    more_rows.extend([i] * len(ids))
                rows = np.concatenate([rows, np.asarray(more_rows, dtype=np.int64)])
                cols = np.concatenate([cols, np.asarray(more_cols, dtype=np.int64)])
            key, counts = np.unique(rows * len(idf) + cols, return_counts=True)
            row, col = np.divmod(key, len(idf))
            data = counts.astype(np.float64)
            if sublinear:
                np.log(data, data)
                data += 1.0
            data *= idf[col]
            if norm == "l2":
                norms = np.sqrt(np.bincount(row, weights=data * data, minlength=n))
                norms[norms == 0.0] = 1.0
                data /= norms[row]
            keys.append(row * self.coef.shape[1] + col + offset)
            values.append(data)
            offset += len(idf)
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        order = np.argsort(key, kind="stable")
        row, col = np.divmod(key[order], self.coef.shape[1])
        indptr = np.concatenate([[0], np.cumsum(np.bincount(row, minlength=n))])
        return indptr, col, np.concatenate(values)[order] if values else np.zeros(0)

    def decision_function(self, X) -> np.ndarray:
        """``X @ coef.T + intercept``, each row's terms added one after the other in column
        order (as scipy's sparse product adds them, so the sums are the same floats: ``bincount``
        adds its weights one after the other from 0, one pass per class)."""
        indptr, col, data = self._features(as_texts(X))
        n = len(indptr) - 1
        rows = np.repeat(np.arange(n), np.diff(indptr))
        terms = self.coef[:, col] * data  # classes x nonzero features
        scores = np.stack([np.bincount(rows, weights=t, minlength=n) for t in terms], axis=1)
        return scores + self.intercept

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class (``classes_`` order) for each input."""
        decision = self.decision_function(X)
        if decision.shape[1] == 1:  # two classes: the logistic function of one score
            p = 1.0 / (1.0 + np.exp(-decision[:, 0]))
            return np.column_stack([1 - p, p])
        decision -= decision.max(axis=1, keepdims=True)
        np.exp(decision, decision)
        decision /= decision.sum(axis=1, keepdims=True)
        return decision

    def predict(self, X) -> np.ndarray:
        """The most probable label of each input."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __repr__(self) -> str:
        return f"CompiledClassifier(classes={list(self.classes_)}, params={self.get_params()})"


class _WordIds:
    """A ``body_words`` vocabulary (words and word bigrams) as integer ids, so that the columns
    of many paragraphs come from one dict lookup per word and a few numpy passes, without
    building their bigram strings.  Exact for paragraphs without a space (their words hold
    none, so "a b" can only be the bigram of "a" and "b"); the others take the string path."""

    def __init__(self, vocabulary: dict[str, int]):
        ids: dict[str, int] = {}
        for term in vocabulary:
            for word in term.split(" "):
                ids.setdefault(word, len(ids))
        n, unigram, pairs = len(ids), np.full(len(ids) + 1, -1, dtype=np.int64), {}  # [-1]: no word
        for term, column in vocabulary.items():
            parts = term.split(" ")
            if len(parts) == 1:
                unigram[ids[term]] = column
            elif len(parts) == 2:  # (a term of more words can match no word bigram)
                pairs[ids[parts[0]] * n + ids[parts[1]]] = column
        self.ids, self.n, self.unigram = ids, n, unigram
        self.pair_keys = np.array(sorted(pairs), dtype=np.int64)
        self.pair_columns = np.array([pairs[k] for k in sorted(pairs)], dtype=np.int64)

    def columns(self, docs) -> tuple[np.ndarray, np.ndarray]:
        """``(rows, columns)`` of every vocabulary hit of the paragraphs without a space."""
        fast = [i for i, doc in enumerate(docs) if " " not in doc.body]
        words = list(chain.from_iterable(docs[i].body_words for i in fast))
        ids = np.fromiter(map(self.ids.get, words, repeat(-1)), dtype=np.int64, count=len(words))
        row = np.repeat(np.asarray(fast, dtype=np.int64), [len(docs[i].body_words) for i in fast])
        unigram = self.unigram[ids]
        first, second = ids[:-1], ids[1:]
        pair = (first >= 0) & (second >= 0) & (row[:-1] == row[1:])  # neighbours in one paragraph
        key = first[pair] * self.n + second[pair]
        at = np.minimum(np.searchsorted(self.pair_keys, key), max(len(self.pair_keys) - 1, 0))
        hit = self.pair_keys[at] == key if len(self.pair_keys) else np.zeros(len(key), dtype=bool)
        return (np.concatenate([row[unigram >= 0], row[:-1][pair][hit]]),
                np.concatenate([unigram[unigram >= 0], self.pair_columns[at[hit]]]))
