"""Child chains and cross-chain anchors, queries and atomic swaps."""
