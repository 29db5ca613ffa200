"""The walton node: processes, event bus, database, chain, transaction pool, miner and JSON-RPC."""
