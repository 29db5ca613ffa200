"""Tools: conformance runners for Ethereum's fixtures and the fixture filler."""
