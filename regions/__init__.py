"""Regions (county → township → village, by 12-digit division code) and the units answerable for targets."""
