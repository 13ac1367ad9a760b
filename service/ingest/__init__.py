"""Turning files into indexed, citable chunks."""
