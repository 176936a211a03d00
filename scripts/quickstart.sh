#!/usr/bin/env bash
# Set up (if needed) and run invoicer's main job on embedded defaults: extract every document in the
# bundled fixtures (born-digital PDFs, scans, images) into ./out/<stem>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
mkdir -p out
set +e
.venv/bin/invoicer extract fixtures/documents --out out
rc=$?
set -e
echo "quickstart: results in $(pwd)/out (exit code $rc)"
exit $rc
