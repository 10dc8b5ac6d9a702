"""Task kinds for workshops like Digitutkijat: the shared rules (base.py) and one module per kind."""

from .hotspot import Hotspot
from .invent import Invent
from .open import Open
from .order import Order
from .scale import Scale
from .scenario import Scenario
from .sort import Sort
from .truefalse import TrueFalse

KINDS = (TrueFalse(), Scale(), Open(), Sort(), Order(), Hotspot(), Scenario(), Invent())

__all__ = ["KINDS"]
