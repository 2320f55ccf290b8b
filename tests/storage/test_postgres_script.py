"""scripts/postgres: finds the server on PATH or in Debian's place, installs only when told,
and leaves nothing behind (the password file least of all) when it cannot start one."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "postgres"
AS_ROOT = os.geteuid() == 0
FAILING_INITDB = '#!/bin/sh\necho "fake initdb ran and failed" >&2\nexit 1\n'


def executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


class Machine:
    """A PATH, a Debian directory and a TMPDIR of our own; as root the server user must be able to
    read them, so they live in a directory everyone may enter (pytest's tmp_path is private)."""

    def __init__(self, top: Path) -> None:
        self.bin = top / "bin"
        self.debian = top / "debian"
        self.tmp = top / "tmp"
        self.apt_log = top / "apt.log"
        for directory in (self.bin, self.debian, self.tmp):
            directory.mkdir(mode=0o755)
            directory.chmod(0o755)
        executable(
            self.bin / "apt-get",
            f'#!/bin/sh\necho "$@" >> {self.apt_log}\n'
            f'if [ "$1" = install ]; then\n'
            f"  mkdir -p {self.debian}/15/bin\n"
            f"  printf '%s' '{FAILING_INITDB}' > {self.debian}/15/bin/initdb\n"
            f"  cp {self.debian}/15/bin/initdb {self.debian}/15/bin/pg_ctl\n"
            f"  cp {self.debian}/15/bin/initdb {self.debian}/15/bin/postgres\n"
            f"  chmod 755 {self.debian}/15/bin/*\n"
            f"fi\n",
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {
            "PATH": f"{self.bin}:/usr/bin:/bin:/usr/sbin:/sbin",
            "TMPDIR": str(self.tmp),
            "CONCIERGE_POSTGRES_DEBIAN_ROOT": str(self.debian),
            "HOME": os.environ.get("HOME", "/root"),
        }
        return subprocess.run(
            ["/bin/bash", str(SCRIPT), *args],
            env=env,
            stdin=subprocess.DEVNULL,  # asks nothing: there is nobody to answer
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def leftovers(self) -> list[str]:
        return sorted(os.listdir(self.tmp))


@pytest.fixture
def machine() -> Iterator[Machine]:
    top = Path(tempfile.mkdtemp(prefix="concierge-script-", dir="/tmp"))
    top.chmod(0o755)
    try:
        yield Machine(top)
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_without_a_server_it_installs_nothing_and_says_how_to(machine: Machine):
    done = machine.run("start")

    assert done.returncode == 1
    assert "no PostgreSQL server found" in done.stderr
    assert "--install" in done.stderr
    assert done.stdout == ""
    assert not machine.apt_log.exists()
    assert machine.leftovers() == []


def test_a_server_on_path_is_used_and_a_failed_start_leaves_no_directory(machine: Machine):
    elsewhere = machine.debian.parent / "opt-postgres" / "bin"
    for program in ("initdb", "pg_ctl", "postgres"):  # linked onto PATH, as /usr/local/bin does
        executable(elsewhere / program, FAILING_INITDB)
        (machine.bin / program).symlink_to(elsewhere / program)

    done = machine.run("start")

    assert done.returncode != 0
    assert "fake initdb ran and failed" in done.stderr
    assert done.stdout == ""
    assert machine.leftovers() == []  # the temporary directory and its password file are gone


@pytest.mark.skipif(not AS_ROOT, reason="installing a package needs root")
def test_install_only_when_told_and_still_clean_up_when_the_start_fails(machine: Machine):
    done = machine.run("start", "--install")

    assert machine.apt_log.read_text().splitlines() == [
        "update -qq",
        "install -y -qq --no-install-recommends postgresql",
    ]
    assert "fake initdb ran and failed" in done.stderr
    assert done.returncode != 0
    assert machine.leftovers() == []
