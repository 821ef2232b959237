"""The C ABI facts of webservices.h: `specs/abi/*.yaml` <-> `AbiSet`.

`load_abi` and `save_abi` are all the generator needs; the importers of the two
outside sources (`generator.abi.metadata`, `generator.abi.wine`) need the
`[import]` extra and are only imported by `wwsgen import-abi` and `check-abi`.
"""

from __future__ import annotations

from generator.abi.store import DEFAULT_DIR, load_abi, save_abi

__all__ = ["DEFAULT_DIR", "load_abi", "save_abi"]
