"""Saving and loading the classifier as a skops file that can hold no code.

A model file is a skops archive of ``{"model": ParagraphClassifier, "meta": dict}`` that also
holds the same model compiled to arrays (``compiled/spec.json`` and ``compiled/*.npy``,
:mod:`research.classify.compiled`).  :func:`load_model` loads the compiled form: JSON and
``.npy`` arrays read without pickle, so it can build no code, and labelling needs neither
scikit-learn nor skops (a fresh process starts in well under a second).
:func:`load_estimator` loads the full scikit-learn estimator (to inspect or refit it): it first
lists the types the file would build, without building any, and refuses the file unless every
one is in :data:`TRUSTED_TYPES`.  Both check the label set and the format version.
:func:`cached_model` loads each file once per process (every command and worker that labels
text uses it).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np

from research import __version__, codebook, paths
from research.atomic import atomic_path
from research.errors import ModelError

MODEL_FILE = paths.MODELS / "classifier.skops"
#: 3: the archive also holds the compiled classifier (``compiled/``); 2: a
#: :class:`~research.classify.estimator.ParagraphClassifier` only; 1: a Pipeline.
MODEL_FORMAT = 3
COMPILED = "compiled/"

#: Everything a model file may build beyond skops' own default-trusted scikit-learn types.
TRUSTED_TYPES = [
    "research.classify.estimator.ParagraphClassifier",
    "research.classify.features.CodebookTerms",
    "research.classify.features.HeadingArea",
    "research.classify.features.Segment",
    "research.classify.features.Union",
    "research.classify.inputs.body_chars",
    "research.classify.inputs.body_words",
    "research.classify.inputs.path_words",
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

    from research.classify.compiled import compile_classifier

    meta = {"format": MODEL_FORMAT, "project_version": __version__,
            "labels": list(model.classes_), "params": model.get_params(), **meta}
    _strip(model)
    compiled = compile_classifier(model)
    extra = {}
    if compiled is not None:
        spec, arrays = compiled
        extra[f"{COMPILED}spec.json"] = json.dumps({"meta": meta, **spec}, ensure_ascii=False).encode("utf-8")
        for name, array in arrays.items():
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.ascontiguousarray(array), allow_pickle=False)
            extra[f"{COMPILED}{name}.npy"] = buffer.getvalue()
    path = Path(path)
    with atomic_path(path) as tmp:
        sio.dump({"model": model, "meta": meta}, tmp, compression=zipfile.ZIP_DEFLATED,
                 compresslevel=1)
        _make_reproducible(tmp, extra)
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


def _make_reproducible(path: Path, extra: dict[str, bytes]) -> None:
    """Rewrite a skops archive so that the same model gives the same bytes: object ids and
    array file names (memory addresses) become numbers in order of first appearance, and
    entries carry a fixed date; ``extra`` entries (name -> bytes) are added last."""
    import re

    with zipfile.ZipFile(path) as z:
        entries = {info.filename: z.read(info.filename) for info in z.infolist()}
    schema = entries.pop("schema.json").decode("utf-8")
    entries = {name: data for name, data in entries.items() if not name.startswith(COMPILED)}
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
        for name, data in [("schema.json", schema.encode("utf-8")), *extra.items()]:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            z.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


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
    ``predict`` and ``predict_proba`` on raw paragraph strings, ``get_params()`` and ``meta_``.
    It is the compiled form (:class:`~research.classify.compiled.CompiledClassifier`) when the
    file holds one, else the full estimator (:func:`load_estimator`)."""
    path = _model_path(path)
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if f"{COMPILED}spec.json" not in names:
                return load_estimator(path)
            spec = json.loads(z.read(f"{COMPILED}spec.json").decode("utf-8"))
            arrays = {name[len(COMPILED):-4]: np.lib.format.read_array(io.BytesIO(z.read(name)), allow_pickle=False)
                      for name in sorted(names) if name.startswith(COMPILED) and name.endswith(".npy")}
    except (zipfile.BadZipFile, OSError, ValueError, UnicodeDecodeError) as err:
        raise ModelError(f"{path}: unreadable skops model file ({type(err).__name__})") from None
    meta = spec.get("meta") if isinstance(spec, dict) else None
    _check_meta(path, meta)
    from research.classify.compiled import CompiledClassifier

    try:
        model = CompiledClassifier(spec, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise ModelError(f"{path}: unreadable compiled model ({type(err).__name__}: {err})") from None
    model.meta_ = meta
    return model


def _model_path(path) -> Path:
    path = model_file(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file (run 'python -m research train')")
    if not zipfile.is_zipfile(path):
        raise ModelError(f"{path}: not a skops model file")
    return path


def _check_meta(path: Path, meta) -> None:
    if not isinstance(meta, dict):
        raise ModelError(f"{path}: not a model file of this project")
    if meta.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: model format {meta.get('format')} is not supported "
                         f"(this is research {__version__}, format {MODEL_FORMAT}); retrain it")
    if _release(meta.get("project_version", "")) != _release(__version__):
        raise ModelError(f"{path}: trained with research {meta.get('project_version')}, incompatible "
                         f"with research {__version__}; retrain it")
    if list(meta.get("labels", [])) != sorted(codebook.codes()):
        raise ModelError(f"{path}: model labels {meta.get('labels')} differ from the codebook's "
                         f"{sorted(codebook.codes())}; retrain it with this codebook")


def load_estimator(path: str | Path | None = None):
    """The full :class:`~research.classify.estimator.ParagraphClassifier` of a model file
    (skops, trusted types only), with ``meta_``."""
    import skops.io as sio

    path = _model_path(path)
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
    if not isinstance(obj, dict):
        raise ModelError(f"{path}: not a model file of this project")
    meta = obj.get("meta")
    _check_meta(path, meta)
    from research.classify.estimator import ParagraphClassifier

    model = obj.get("model")
    if not isinstance(model, ParagraphClassifier):
        raise ModelError(f"{path}: not a model file of this project")
    model.meta_ = meta
    return model
