"""Loaders: one module per source format; each yields typed records and never writes."""

__all__: list[str] = []
