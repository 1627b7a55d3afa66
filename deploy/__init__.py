"""Deployment: docker-compose files and the plain-process topology (topology.py)."""
