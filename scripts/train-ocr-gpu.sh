#!/usr/bin/env bash
# Continue training the OCR line recognizer on a machine without ../shared/data (a lent or rented GPU).
#
#   bash scripts/train-ocr-gpu.sh pack          # here, with the dataset: writes .gpu/ (~45 MB)
#   MIN=7.3 bash scripts/train-ocr-gpu.sh train  # there, from the repository root (with .gpu/ carried)
#   HEADER=0.3 MIN=7.3 bash scripts/train-ocr-gpu.sh train  # also draw receipt header lines (--header-share)
#
# `pack` writes the SROIE train crops (+ 400 validation crops for model selection), the line texts of
# 3000 synthetic documents of all locales (seed 71), line crops of 900 more (seed 72, rendered here
# because the GPU machine has no PDF renderer) and a sample of the machine's Latin text fonts.
# `train` is the call that made the shipped model (invoicer/models/ocr/MODEL_CARD.md); the best export
# lands in ${OUT:-/tmp}/run7/best.
set -euo pipefail
case "${1:-}" in
  pack)
    mkdir -p .gpu
    grep -qx "/.gpu/" .git/info/exclude 2>/dev/null || echo "/.gpu/" >> .git/info/exclude
    python -m invoicer.training.ocr_pack .gpu/sroie-crops.xz --texts-out .gpu/texts.txt.xz --text-docs 3000 \
      --fonts-out .gpu/fonts --fonts 40
    python -m invoicer.training.ocr_pack --skip-sroie --engine-out .gpu/engine-crops.xz \
      --engine-docs 900
    # the device tool carries at most 64 MiB with the repository: drop the largest fonts until .gpu/ fits
    while [ "$(du -sb .gpu | cut -f1)" -gt 45000000 ]; do rm ".gpu/fonts/$(ls -S .gpu/fonts | head -1)"; done
    du -sh .gpu ;;
  train)
    MIN=${MIN:-7.3}
    export PYTHONUNBUFFERED=1 PYTHONPATH=$PWD
    python3 -c "from invoicer.training.cli import train_app; train_app(prog_name='invoicer train')" ocr \
      --crops .gpu/sroie-crops.xz --fonts .gpu/fonts --texts .gpu/texts.txt.xz \
      --synthetic-source both --engine-crops .gpu/engine-crops.xz --synthetic-weight 0.5 \
      --header-share "${HEADER:-0}" \
      --workers 14 --device cuda --bf16 --batch-size 128 --init invoicer/models/ocr --lr 5e-4 --warmup 300 \
      --minutes "$MIN" --schedule-minutes "$(python3 -c "print(round($MIN * 0.9, 2))")" \
      --eval-minutes 1 --eval-lines 400 --seed 7 --out "${OUT:-/tmp}/run7" ;;
  *) echo "usage: $0 pack|train" >&2; exit 2 ;;
esac
