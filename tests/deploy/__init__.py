"""Deployment tests: the plain-process topology (deploy/topology.py): workers, replicas, faults."""
