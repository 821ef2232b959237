"""wwsgen: generate Python bindings for the Windows Web Services API.

The bindings come from doc pages (`specs/pages`) merged with ABI facts (`specs/abi`).
"""

__version__ = "0.1.0"
