"""The Discord adapter: the client, its extensions (cogs), views and buttons, embed rendering.

Beside it, and free of Discord, is the running state: reloads (bot/reload.py), the recorder
and the store (bot/recorder.py, bot/storage/), metrics and health.
"""
