"""`python -m bot`: the command line (ask, check, ingest, run, sync, health, gaps)."""

from bot.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
