"""Housing: risk-classed units, the needs register, matching, offers and tenancies (DESIGN §3, §5, §7)."""
