#!/usr/bin/env bash
# Run a benchmark on a quiet machine: pause the background trainings (SIGSTOP) and resume them
# (SIGCONT) when this script ends, whatever happens (trap on EXIT, INT and TERM).
#   benchmarks/inbox/quiet.sh .venv/bin/python -m benchmarks.inbox.run celery --n 200 --out ...
set -u
pids=$(pgrep -f "invoicer train" || true)
resume() { [ -n "$pids" ] && kill -CONT $pids 2>/dev/null; echo "resumed: ${pids:-none}" >&2; }
trap resume EXIT INT TERM
[ -n "$pids" ] && kill -STOP $pids && echo "paused: $pids" >&2
INBOX_BENCH_QUIET="paused (SIGSTOP) for the measurement: ${pids:-none}" "$@"
