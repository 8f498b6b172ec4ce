"""Reading documents: text in any common Chinese encoding, HTML, Word ``.docx``.

- :func:`read_document` reads one file into a :class:`~kg.types.Document`
  (:mod:`kg.io.readers`), decoding with :mod:`kg.io.encoding`, extracting the visible
  text of pages with :mod:`kg.io.html_text` and of Word files with
  :mod:`kg.io.docx_text`, and the header fields with :mod:`kg.io.metadata`;
- :func:`discover` expands files and folders into ``(path, display_name)`` pairs.

Nothing here prints; every unreadable file raises :class:`~kg.errors.InputError`.
"""

from kg.io.discover import discover
from kg.io.metadata import parse_metadata
from kg.io.readers import MAX_BYTES, SUPPORTED_SUFFIXES, read_document

__all__ = ["MAX_BYTES", "SUPPORTED_SUFFIXES", "discover", "parse_metadata", "read_document"]
