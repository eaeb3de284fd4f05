"""Risk: the ``hedgekit audit`` report of an account's LP positions and hedges.

Modules, one concept each: ``book`` (float legs, vectorized), ``exact`` (exact re-valuation
at a shocked price), ``history`` (a position's mint/collect logs), ``carry``, ``liquidation``,
``stress``, ``cascade``, ``montecarlo``, ``audit`` (assembles the report at one block),
``schema``/``document`` (the ``--json`` document), ``report`` (terminal), ``html`` (plots).
"""

from hedgekit.risk.audit import AuditReport, AuditSettings, run_audit

__all__ = ["AuditReport", "AuditSettings", "run_audit"]
