#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks that the ClusterFuzzLite workflows say what they do (a ctest: ci.cflite_workflows).

ClusterFuzzLite divides a run's fuzz-seconds among the targets it fuzzes, so a budget is only
right for a given number of targets. Each workflow that fuzzes states its arithmetic in a comment,
"N targets x S s = T s", and this script checks N against the targets fuzz/CMakeLists.txt builds,
N x S = T, and T against the workflow's fuzz-seconds; SECURITY.md must quote the same per-target
times. It also checks that every workflow asking for SARIF has security-events: write and an
upload-sarif step, that PR fuzzing triggers on cmake/** (the sanitizer and hardening flags), that
batch fuzzing comes with pruning and coverage, and that continuous builds upload on push to main.
Plain text matching: the CI image has no YAML module.

    scripts/check_cflite_budget.py [REPO_ROOT]
"""

import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
WORKFLOWS = ROOT / ".github" / "workflows"
# GitHub-hosted runners stop a job after 6 hours; the build and uploads need some of it.
MAX_JOB_SECONDS = 6 * 3600 - 20 * 60


def targets() -> list[str]:
    text = (ROOT / "fuzz" / "CMakeLists.txt").read_text()
    match = re.search(r"set\(NPYGUARD_FUZZ_TARGETS([^)]*)\)", text)
    names = match.group(1).split() if match else []
    return [name for name in names if name.startswith("fuzz_")]


def number(text: str) -> int:
    return int(text.replace(",", ""))


def main() -> int:
    errors = []
    count = len(targets())
    if count == 0:
        errors.append("no NPYGUARD_FUZZ_TARGETS in fuzz/CMakeLists.txt")
    security = (ROOT / "SECURITY.md").read_text()
    texts = {path.name: path.read_text() for path in sorted(WORKFLOWS.glob("cflite_*.yml"))}
    for name in ("cflite_pr.yml", "cflite_batch.yml", "cflite_cron.yml", "cflite_build.yml"):
        if name not in texts:
            errors.append(f"{name} is missing")
    for name, text in texts.items():
        modes = re.findall(r"^\s*mode:\s*'?([a-z-]+)", text, re.M)
        seconds = [int(s) for s in re.findall(r"^\s*fuzz-seconds:\s*(\d+)", text, re.M)]
        if any(mode in ("code-change", "batch") for mode in modes):
            claim = re.search(r"(\d+) targets x ([\d,]+) s(?: \([^)]*\))? = ([\d,]+) s", text)
            if not claim:
                errors.append(f"{name}: no 'N targets x S s = T s' comment")
            else:
                n, per, total = (number(g) for g in claim.groups())
                if n != count:
                    errors.append(f"{name}: says {n} targets, fuzz/CMakeLists.txt builds {count}")
                if n * per != total:
                    errors.append(f"{name}: {n} x {per} is not {total}")
                if total not in seconds:
                    errors.append(f"{name}: fuzz-seconds {seconds} is not the stated {total}")
                if total > MAX_JOB_SECONDS:
                    errors.append(f"{name}: {total} s does not fit a 6-hour job with its build")
                if f"{per:,} s per target" not in security and f"{per} s per target" not in security:
                    errors.append(f"{name}: SECURITY.md does not state {per} s per target")
        if re.search(r"output-sarif:\s*true", text):
            if not re.search(r"security-events:\s*write", text):
                errors.append(f"{name}: output-sarif without security-events: write")
            if "github/codeql-action/upload-sarif@" not in text:
                errors.append(f"{name}: output-sarif without an upload-sarif step")
    pr = texts.get("cflite_pr.yml", "")
    if '"cmake/**"' not in pr and "'cmake/**'" not in pr:
        errors.append("cflite_pr.yml: paths leave out cmake/**")
    cron = texts.get("cflite_cron.yml", "")
    for mode in ("prune", "coverage"):
        if not re.search(rf"mode:\s*'?{mode}", cron):
            errors.append(f"cflite_cron.yml: no {mode} job")
    build = texts.get("cflite_build.yml", "")
    if not re.search(r"upload-build:\s*true", build) or "push:" not in build:
        errors.append("cflite_build.yml: must build on push and upload the build")
    for error in errors:
        print("error:", error)
    if not errors:
        print(f"ClusterFuzzLite workflows consistent with {count} fuzz targets")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
