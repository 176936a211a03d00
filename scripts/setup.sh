#!/usr/bin/env bash
# Install everything invoicer needs on a fresh Debian/Ubuntu machine (idempotent, safe to re-run):
#   system packages (poppler for pdf2image, tesseract as the OCR baseline, fonts for synthetic data),
#   a virtual environment in .venv with the CPU build of torch 2.13.0 and invoicer with all extras.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(poppler-utils tesseract-ocr tesseract-ocr-eng tesseract-ocr-deu tesseract-ocr-fra tesseract-ocr-nld
              tesseract-ocr-spa
              # fonts for synthetic training documents (invoicer/synth/fonts.py falls back to what is installed)
              fonts-anonymous-pro fonts-croscore fonts-crosextra-caladea fonts-crosextra-carlito fonts-dejavu-core
              fonts-dejavu-extra fonts-dotgothic16 fonts-firacode fonts-freefont-ttf fonts-hack fonts-jetbrains-mono
              fonts-lato fonts-liberation fonts-noto-core fonts-noto-mono fonts-ocr-a fonts-open-sans
              fonts-roboto-unhinted)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if ((${#missing[@]})); then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  echo "setup: installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.invoicer-install-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing Python packages (CPU torch 2.13.0 first, so no CUDA build is pulled in)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q "torch==2.13.0"
  .venv/bin/python -m pip install -q -e ".[all]"
  rm -f .venv/.invoicer-install-*
  touch "$stamp"
fi
echo "setup: ready ($(.venv/bin/invoicer version))"
