"""Services: the functions routes and commands call (runtime wiring, fiches, imports)."""
