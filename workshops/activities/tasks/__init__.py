"""Task kinds for workshops like Digitutkijat: one module of shared rules, one of kinds, one for inventing."""

from .invent import Invent
from .kinds import KINDS as _KINDS

KINDS = (*_KINDS, Invent())

__all__ = ["KINDS"]
