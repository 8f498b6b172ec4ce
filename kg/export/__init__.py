"""Exporters: one output format per module, each writing atomically."""
