"""Peer-to-peer networking as Gwtc speaks it: the wire (RLPx, devp2p base protocol, enode URLs, discovery v4) and,
on top of it, the `eth` sub-protocol, the peer pool and sync. See docs/p2p.md."""
