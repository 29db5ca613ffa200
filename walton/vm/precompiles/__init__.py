"""Walton precompiles, at addresses Ethereum does not use."""
