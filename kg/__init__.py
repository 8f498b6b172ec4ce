"""policy-kg: a knowledge-graph builder for Chinese government policy documents.

>>> import kg                      # doctest: +SKIP
>>> g = kg.build("data/docs")      # doctest: +SKIP
"""

__version__ = "0.1.0"

from kg.api import Graph, build, load, saved_queries  # noqa: E402

__all__ = ["Graph", "__version__", "build", "load", "saved_queries"]
