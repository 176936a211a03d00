#!/usr/bin/env bash
# Set up (if needed) and run invoicer's main job on embedded defaults: a SQLite database
# (./invoicer.db) and a watched inbox folder (./inbox). On first use the inbox is seeded with the
# bundled sample documents (born-digital PDFs, scans, images). Drop more files into ./inbox while it
# runs; originals move to inbox/archive/YYYY/MM/ (or inbox/failed/ with the reason in the database).
# Stop with Ctrl-C. QUICKSTART_ONCE=1 processes what is there and exits.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/invoicer db upgrade
mkdir -p inbox
if [ -z "$(find inbox -maxdepth 1 -type f -print -quit)" ] && [ ! -d inbox/archive ]; then
  cp fixtures/documents/* inbox/
  echo "quickstart: seeded ./inbox with $(ls fixtures/documents | wc -l) sample documents"
fi
once=()
if [ "${QUICKSTART_ONCE:-0}" = "1" ]; then once=(--exit-when-idle); fi
echo "quickstart: watching $(pwd)/inbox (Ctrl-C to stop); see results with: .venv/bin/invoicer status"
.venv/bin/invoicer watch inbox "${once[@]}"
.venv/bin/invoicer status
