"""wwsgen: generate Python bindings for the Windows Web Services API from its doc pages and ABI facts."""

__version__ = "0.1.0"
