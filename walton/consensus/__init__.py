"""Waltonchain consensus: X11 proof of work and the WPoC seal rules."""
