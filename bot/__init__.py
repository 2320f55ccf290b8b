"""Concierge: a self-hosted Discord bot that answers fans' questions from a knowledge base."""

__version__ = "0.1.0"
