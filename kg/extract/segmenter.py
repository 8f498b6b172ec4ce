"""jieba, loaded quickly: the default word segmenter and the dictionary's common words.

The name checks segment short runs of text with jieba's default tokenizer
(:func:`cut`) and look the words up in jieba's dictionary (:func:`common_words`).
Loading both is most of the start-up cost of extraction, paid by every build and
by the worker processes' server, so this module loads them the fast way while
giving exactly what jieba's own loading gives:

* the tokenizer's prefix dictionary is kept as sorted keys and an array of
  frequencies (:class:`SortedFreq`), derived once from jieba's own cache file
  and read back in a few hundredths of a second, where building jieba's dict
  takes a quarter of one in every process (:func:`load_sorted_tokenizer`; the
  tokenizer is this module's own, ``jieba.lcut`` keeps jieba's); jieba's cache
  file itself is read in one read and one :func:`marshal.loads` (jieba's
  ``marshal.load`` on an open file reads it in small pieces, three times
  slower), under jieba's own rules for that file; whenever they are not met,
  jieba initialises itself;
* the common-word table is derived from jieba's ``dict.txt`` once and kept
  between runs, beside jieba's cache file, by :mod:`kg.derived_cache` (keyed by
  the dictionary file, jieba's version and this module's source; a missing,
  stale or damaged file is parsed again, a folder that cannot be written is no
  error).

Every jieba internal used here is in :func:`load_default_tokenizer` and
:func:`load_sorted_tokenizer`; jieba is pinned (0.42.1) and ``tests/test_startup.py``
checks the results against jieba's own initialisation.
"""

from __future__ import annotations

import importlib
import marshal
import os
import re
import tempfile
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from kg import derived_cache
from kg.gcpause import paused

__all__ = [
    "common_words",
    "cut",
    "import_jieba",
    "load_default_tokenizer",
    "parse_common_words",
    "words",
]

#: jieba's cache file of the default dictionary (``Tokenizer.initialize``).
JIEBA_CACHE_NAME = "jieba.cache"

#: Part of the key of the kept common-word table (bump it to derive the table afresh).
COMMON_WORDS_FORMAT = "policy-kg common-words 1"
#: Part of the key of the kept prefix dictionary (see :func:`load_sorted_tokenizer`).
PREFIXES_FORMAT = "policy-kg jieba prefixes 1"

#: A dictionary line "word frequency tag" for words of two or three characters.
_WORD_LINE = re.compile(r"^(\S{2,3}) (\d+) (\S+)\r?$", re.MULTILINE)


def import_jieba() -> ModuleType:
    """The ``jieba`` module, imported as usual; its log is silenced.

    jieba imports ``pkg_resources`` to open its data files: about 0.12 s of the
    start-up of a process that extracts, measured and accepted (see "Known debts"
    in ``docs/ARCHITECTURE.md``).
    """
    jieba = importlib.import_module("jieba")
    jieba.setLogLevel(60)
    return jieba


def load_default_tokenizer(tokenizer: Any = None) -> Any:
    """Initialise a jieba ``Tokenizer`` of the default dictionary from jieba's cache file.

    Does what ``Tokenizer.initialize()`` of jieba 0.42.1 does when it finds its
    cache, with one read and one :func:`marshal.loads`: the cache file is
    ``(tokenizer.tmp_dir or tempfile.gettempdir()) / (tokenizer.cache_file or
    "jieba.cache")``, used whatever its age for the default dictionary (jieba
    checks the modification time only for other dictionaries), and holds
    ``(FREQ, total)``. Whenever this does not apply (another dictionary, a
    cache file being written by jieba, no cache file, one that does not load,
    or holds anything but a dict and an int) it calls ``initialize()``, which
    builds the dictionary and writes the cache as jieba always does.

    ``tokenizer`` defaults to jieba's global one (``jieba.dt``, which
    ``jieba.lcut`` uses). Returns the tokenizer.
    """
    jieba = import_jieba()
    tk = jieba.dt if tokenizer is None else tokenizer
    if tk.initialized:
        return tk
    with tk.lock:
        if tk.initialized:
            return tk
        freq = total = None
        if tk.dictionary == jieba.DEFAULT_DICT and tk.dictionary not in jieba.DICT_WRITING:
            try:
                path = os.path.join(
                    tk.tmp_dir or tempfile.gettempdir(), tk.cache_file or JIEBA_CACHE_NAME
                )
                data = Path(path).read_bytes()
                with paused():
                    freq, total = marshal.loads(data)
            except Exception:  # jieba treats any failure to load its cache as "no cache"
                freq = total = None
        if type(freq) is dict and type(total) is int:
            tk.FREQ, tk.total = freq, total
            tk.initialized = True
        else:
            tk.initialize()
    return tk


class SortedFreq(Mapping[str, int]):
    """jieba's prefix dictionary (word or prefix of a word -> frequency) as sorted keys
    and an array of frequencies, for a tokenizer's ``FREQ``.

    It loads in a few hundredths of a second, where the dict of half a million
    entries takes a quarter of one to build, in every process that extracts;
    a lookup is a binary search instead of a hash, and the name checks look up
    only a few short strings per document (their cuts are kept, see
    :func:`cut`'s callers). jieba reads ``FREQ`` with ``in``, ``[]`` and ``get``.

    >>> f = SortedFreq(["郑", "郑州", "郑州市"], array("q", [5, 3, 0]))
    >>> "郑州" in f, f["郑州市"], f.get("开封"), len(f)
    (True, 0, None, 3)
    """

    __slots__ = ("_keys", "_freqs")

    def __init__(self, keys: list[str], freqs: array) -> None:
        self._keys = keys
        self._freqs = freqs

    def _index(self, key: object) -> int:
        keys = self._keys
        if type(key) is not str:
            return -1
        i = bisect_left(keys, key)
        return i if i < len(keys) and keys[i] == key else -1

    def __getitem__(self, key: str) -> int:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        return self._freqs[i]

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index(key)
        return default if i < 0 else self._freqs[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


def _sorted_prefixes(tk: Any) -> tuple[str, bytes, int]:
    """An initialised tokenizer's ``FREQ`` and ``total`` as kept: the keys in order,
    joined by line feeds (no word holds one), the frequencies as 64-bit integers."""
    keys = sorted(tk.FREQ)
    return "\n".join(keys), array("q", [tk.FREQ[k] for k in keys]).tobytes(), tk.total


def load_sorted_tokenizer(folder: str | None) -> Any:
    """A jieba ``Tokenizer`` of the default dictionary whose ``FREQ`` is a
    :class:`SortedFreq`, kept in ``folder`` between runs (see :mod:`kg.derived_cache`)
    under a key of jieba's cache file, jieba's version and this module's source;
    ``None`` while jieba has no cache file (the caller then loads jieba's way,
    which writes it).

    The tokenizer is a new one: jieba's global tokenizer (``jieba.lcut``) is left
    as it is. It cuts exactly as jieba's does (``tests/test_startup.py``).
    """
    jieba = import_jieba()
    tk = jieba.Tokenizer()
    path = os.path.join(tk.tmp_dir or tempfile.gettempdir(), tk.cache_file or JIEBA_CACHE_NAME)
    try:
        key = "\n".join(
            [
                PREFIXES_FORMAT,
                f"jieba {jieba.__version__}",
                derived_cache.file_key([path]),
                derived_cache.source_digest(__file__),
            ]
        )
    except OSError:
        return None
    table = derived_cache.load(
        "jieba-prefixes",
        key,
        lambda: _sorted_prefixes(load_default_tokenizer(jieba.Tokenizer())),
        folder=folder,
        valid=lambda t: (
            type(t) is tuple
            and len(t) == 3
            and type(t[0]) is str
            and type(t[1]) is bytes
            and type(t[2]) is int
        ),
    )
    keys, data, total = table
    freqs = array("q")
    freqs.frombytes(data)
    split = keys.split("\n") if keys else []
    if len(split) != len(freqs):  # pragma: no cover - the checksum guards the table
        return None
    tk.FREQ, tk.total, tk.initialized = SortedFreq(split, freqs), total, True
    return tk


@cache
def _default_tokenizer() -> Any:
    jieba = import_jieba()
    folder = jieba.dt.tmp_dir or derived_cache.default_folder()
    tk = load_sorted_tokenizer(folder)
    return tk if tk is not None else load_default_tokenizer(jieba.Tokenizer())


def cut(text: str) -> list[str]:
    """Words of ``text`` by jieba's default tokenizer, without the HMM (``jieba.lcut(text,
    HMM=False)``).

    >>> cut("工业设计产业园")
    ['工业', '设计', '产业园']
    """
    return _default_tokenizer().lcut(text, HMM=False)


def words(text: str) -> list[str]:
    """Words of a whole text, as :func:`cut` gives them, by jieba's own dictionary (a
    dict: loaded once per process in about a third of a second, where :func:`cut`'s
    sorted dictionary loads faster but looks words up by binary search, over twice as
    slow for whole texts; the extraction's worker processes inherit it loaded).

    >>> words("工业设计产业园") == cut("工业设计产业园")
    True
    """
    return load_default_tokenizer().lcut(text, HMM=False)


def parse_common_words(text: str) -> dict[str, tuple[int, str]]:
    """Word -> (frequency, part of speech) for the words of two or three characters
    of a jieba dictionary's text (lines "word frequency tag"; a later line wins).

    Equal values are one shared tuple (a few thousand for some 250,000 words).

    >>> parse_common_words("保险 7590 n\\n郑州 2773 ns\\n中华人民共和国 2 ns\\n")
    {'保险': (7590, 'n'), '郑州': (2773, 'ns')}
    """
    shared: dict[tuple[int, str], tuple[int, str]] = {}
    out: dict[str, tuple[int, str]] = {}
    for w, n, tag in _WORD_LINE.findall(text):
        v = (int(n), tag)
        out[w] = shared.setdefault(v, v)
    return out


def load_common_words(f: Any, version: str, folder: str | None) -> dict[str, tuple[int, str]]:
    """The common-word table of the open dictionary file ``f`` (binary) of jieba
    ``version``: kept in ``folder`` between runs (see :mod:`kg.derived_cache`),
    under a key of the file, the version and this module's source."""
    try:
        st = os.fstat(f.fileno())
        key = "\n".join(
            [
                COMMON_WORDS_FORMAT,
                f"jieba {version}",
                f"{os.path.abspath(getattr(f, 'name', ''))}\t{st.st_size}\t{st.st_mtime_ns}",
                derived_cache.source_digest(__file__),
            ]
        )
    except OSError:  # the key cannot be made: parse without keeping
        key, folder = "", None
    return derived_cache.load(
        "common-words",
        key,
        lambda: parse_common_words(f.read().decode("utf-8")),
        folder=folder,
        valid=lambda table: type(table) is dict,
    )


@cache
def common_words() -> dict[str, tuple[int, str]]:
    """Word -> (frequency, part of speech) of jieba's dictionary (words of two or three
    characters), kept beside jieba's cache file between runs.

    >>> common_words()["保险"][1]
    'n'
    """
    jieba = import_jieba()
    folder = jieba.dt.tmp_dir or derived_cache.default_folder()
    with jieba.get_dict_file() as f:
        return load_common_words(f, jieba.__version__, folder)
