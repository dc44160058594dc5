"""Harmonic analysis on S² and SO(3) and spherical CNNs (Cohen, Geiger, Köhler, Welling, 2018)."""
