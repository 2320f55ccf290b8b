"""Discord extensions (cogs), one per feature area; `ConciergeBot.setup_hook` loads them."""
