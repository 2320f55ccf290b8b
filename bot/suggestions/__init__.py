"""Suggestions from use: what people resolved and what they kept asking, turned into proposals.

`store` keeps resolutions and decisions (SQLite or PostgreSQL); `curation` writes an approved
alias into `data/curation.yaml`; `service` puts them together for the CLI and `/concierge
suggestions`. The proposal logic itself is pure and lives in `bot.core.proposals`.
"""
