"""Trustloop: the roadside-assistance backend."""
