"""Shared contracts of both services: topic names, the envelope and frozen message models.

Data only: both services import this package, neither imports the other.
"""
