"""devp2p networking: the RLPx transport, the base protocol, enode URLs and discovery v4 as Gwtc speaks them."""
