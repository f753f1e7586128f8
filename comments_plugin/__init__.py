"""A complete, trustworthy comment section for any Django model."""

__version__ = "0.1.0"
