"""JSON-RPC: the HTTP server (RPC process) and the methods (chain process)."""
