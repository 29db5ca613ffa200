"""walton: a Python client for Waltonchain, built on py-evm."""

__version__ = "0.1.0"
