"""Text utilities: normalisation with offsets kept (:mod:`kg.text.normalize`) and
sentence splitting (:mod:`kg.text.segment`)."""

from kg.text.normalize import OffsetMap, normalize

__all__ = ["OffsetMap", "normalize"]
