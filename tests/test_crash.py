"""Crash safety: a build killed at any moment leaves the previous package
intact and valid, and the next build completes."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import newsfacts

ROUNDS = 20


def test_killed_builds_never_damage_the_published_package(tmp_path):
    out = tmp_path / "package"
    newsfacts.build(None, out, entities=False)
    assert newsfacts.validate(out) == []
    rng = random.Random(2026)
    command = [
        sys.executable,
        "-m",
        "newsfacts",
        "build",
        "-q",
        "--no-entities",
        str(newsfacts.sample_dir()),
        "--out",
        str(out),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    duration = time.perf_counter() - started  # kill points spread over a whole build
    killed_midway = 0
    for _ in range(ROUNDS):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.95) * duration)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed_midway += 1
        process.wait()
        assert (out / "datapackage.json").exists()
        assert newsfacts.validate(out) == []
    assert killed_midway >= ROUNDS * 0.6, "the kills should land while builds run"
    report = newsfacts.build(None, out, entities=False)
    assert report.articles == 7 and newsfacts.validate(out) == []
    assert not list(tmp_path.glob(".package.*"))
