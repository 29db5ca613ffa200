"""walton.vm: Walton's fork classes, usable like py-evm's own."""
