"""Database backends behind py-evm's database interface."""
