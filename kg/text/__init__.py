"""Text utilities: normalisation with offsets kept (:mod:`kg.text.normalize`) and
sentence splitting (:mod:`kg.text.segment`).

Import from the modules (``from kg.text.normalize import normalize``): re-exporting
``normalize`` here would hide the module of the same name.
"""
