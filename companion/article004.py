"""Article 004: the computations behind its claims (registered with the ledger)."""

from __future__ import annotations
