"""bot.core is the pure engine: importing it must not pull in discord or any network client."""

import subprocess
import sys


def test_importing_core_never_imports_discord_or_network_clients():
    code = (
        "import sys, bot.core, bot.core.ingest;"
        "bad = [m for m in ('discord', 'aiohttp', 'socket', 'http.client', 'urllib.request')"
        " if m in sys.modules];"
        "print(','.join(bad))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
