"""policy-kg: a knowledge-graph builder for Chinese government policy documents."""

__version__ = "0.1.0"
