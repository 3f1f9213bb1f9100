"""Saving and loading the classifier as a skops file that can hold no code.

A model file is a skops archive of ``{"model": ParagraphClassifier, "meta": dict}``.  Loading
first lists the types the file would build, without building any, and refuses the file unless
every one is in :data:`TRUSTED_TYPES`; then it checks the label set and the format version.
:func:`cached_model` loads each file once per process (every command and worker that labels
text uses it).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from research import __version__, codebook, paths
from research.atomic import atomic_path
from research.errors import ModelError

MODEL_FILE = paths.MODELS / "classifier.skops"
#: 2: the file holds a :class:`~research.classify.estimator.ParagraphClassifier` (1: a Pipeline).
MODEL_FORMAT = 2

#: Everything a model file may build beyond skops' own default-trusted scikit-learn types.
TRUSTED_TYPES = [
    "research.classify.estimator.ParagraphClassifier",
    "research.classify.features.CodebookTerms",
    "research.classify.features.HeadingArea",
    "research.classify.features.Segment",
    "research.classify.features.Union",
    "research.classify.features.body_chars",
    "research.classify.features.body_words",
    "research.classify.features.path_words",
    "research.text.tokenize.Tokenizer",
]


_CACHE: dict[str, tuple] = {}  # resolved path -> ((mtime, size), model)


def model_file(path: str | Path | None = None) -> Path:
    """The model file of ``path``: a file, or a folder written by ``train --out`` (its
    ``classifier.skops``); the shipped model when None."""
    path = Path(path) if path else MODEL_FILE
    return path / MODEL_FILE.name if path.is_dir() else path


def save_model(model, meta: dict, path: str | Path = MODEL_FILE) -> Path:
    """Write a fitted :class:`~research.classify.estimator.ParagraphClassifier` and its
    metadata (with its parameters) atomically."""
    import skops.io as sio

    meta = {"format": MODEL_FORMAT, "project_version": __version__,
            "labels": list(model.classes_), "params": model.get_params(), **meta}
    _strip(model)
    path = Path(path)
    with atomic_path(path) as tmp:
        sio.dump({"model": model, "meta": meta}, tmp, compression=zipfile.ZIP_DEFLATED,
                 compresslevel=1)
        _make_reproducible(tmp)
    return path


def _strip(model) -> None:
    """Drop what prediction never uses (TF-IDF keeps every pruned term in ``stop_words_``)."""
    for _, step in model.pipeline_.named_steps["features"].transformer_list:
        if hasattr(step, "stop_words_"):
            del step.stop_words_


def _release(version: str) -> tuple:
    """The part of a version that must match: major, and minor while the major is 0."""
    parts = (version or "0").split(".")
    return tuple(parts[:2]) if parts[0] == "0" else (parts[0],)


def _make_reproducible(path: Path) -> None:
    """Rewrite a skops archive so that the same model gives the same bytes: object ids and
    array file names (memory addresses) become numbers in order of first appearance, and
    entries carry a fixed date."""
    import re

    with zipfile.ZipFile(path) as z:
        entries = {info.filename: z.read(info.filename) for info in z.infolist()}
    schema = entries.pop("schema.json").decode("utf-8")
    ids: dict[str, str] = {}
    token = re.compile(r'("__id__": )(\d+)|"(\d+)\.npy"')

    def renumber(match: re.Match) -> str:
        old = match.group(2) or match.group(3)
        new = ids.setdefault(old, f"{len(ids):06d}")
        return f"{match.group(1)}{int(new)}" if match.group(2) else f'"{new}.npy"'

    schema = token.sub(renumber, schema)
    arrays = {f"{ids[name[:-4]]}.npy": data for name, data in entries.items()}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, arrays[name], compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        info = zipfile.ZipInfo("schema.json", date_time=(1980, 1, 1, 0, 0, 0))
        z.writestr(info, schema.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


def _load_checking_versions(sio, path: Path):
    """``skops.io.load`` that turns scikit-learn's version-mismatch warnings into one
    :class:`~research.errors.ModelWarning` naming the file and both versions."""
    import warnings

    from sklearn.exceptions import InconsistentVersionWarning

    from research.errors import ModelWarning, warn

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InconsistentVersionWarning)
        obj = sio.load(path, trusted=TRUSTED_TYPES)
    for w in caught:
        if not issubclass(w.category, InconsistentVersionWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    versions = [w.message for w in caught if issubclass(w.category, InconsistentVersionWarning)]
    if versions:
        warn(f"{path}: saved with scikit-learn {versions[0].original_sklearn_version}, this is "
             f"{versions[0].current_sklearn_version}; predictions may differ (retrain: make models)", ModelWarning)
    return obj


def cached_model(path: str | Path | None = None):
    """:func:`load_model`, once per process and file (a file rewritten since is loaded again)."""
    path = model_file(path)
    try:
        stat = path.stat()
    except OSError:
        return load_model(path)  # the one-line error
    key, stamp = str(path.resolve()), (stat.st_mtime_ns, stat.st_size)
    if key not in _CACHE or _CACHE[key][0] != stamp:
        _CACHE[key] = (stamp, load_model(path))
    return _CACHE[key][1]


def load_model(path: str | Path | None = None):
    """Load a classifier (``models/classifier.skops`` by default); the result has ``classes_``,
    ``predict`` and ``predict_proba`` on raw paragraph strings, and ``meta_``."""
    import skops.io as sio

    path = model_file(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file (run 'python -m research train')")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not a skops model file")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as err:  # damaged archive or schema
        raise ModelError(f"{path}: unreadable skops model file ({type(err).__name__})") from None
    refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
    if refused:
        raise ModelError(f"{path}: refused, the file would build untrusted type(s): {', '.join(refused)}")
    try:
        obj = _load_checking_versions(sio, path)
    except Exception as err:
        raise ModelError(f"{path}: unreadable skops model file ({type(err).__name__}: {err})") from None
    if not isinstance(obj, dict) or "meta" not in obj or not isinstance(obj["meta"], dict):
        raise ModelError(f"{path}: not a model file of this project")
    meta = obj["meta"]
    if meta.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: model format {meta.get('format')} is not supported "
                         f"(this is research {__version__}, format {MODEL_FORMAT}); retrain it")
    if _release(meta.get("project_version", "")) != _release(__version__):
        raise ModelError(f"{path}: trained with research {meta.get('project_version')}, incompatible "
                         f"with research {__version__}; retrain it")
    if list(meta.get("labels", [])) != sorted(codebook.codes()):
        raise ModelError(f"{path}: model labels {meta.get('labels')} differ from the codebook's "
                         f"{sorted(codebook.codes())}; retrain it with this codebook")
    from research.classify.estimator import ParagraphClassifier

    model = obj.get("model")
    if not isinstance(model, ParagraphClassifier):
        raise ModelError(f"{path}: not a model file of this project")
    model.meta_ = meta
    return model
