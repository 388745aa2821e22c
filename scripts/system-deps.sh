#!/usr/bin/env bash
# Debian packages redline needs, installed when missing (as root, with apt-get).
#   system-deps.sh demo   what the platform itself needs (the CJK font and Liberation Sans for PDFs); stops (exit 1) naming any
#                         package it cannot install, since the demo would otherwise print empty boxes
#   system-deps.sh test   also the tools the tests and benchmarks use; what cannot be installed is listed,
#                         and the tests that need it skip with the reason
set -u
mode="${1:-test}"
need=()
fc-list ":family=Noto Sans CJK SC" family 2>/dev/null | grep -q "Noto Sans CJK SC" || need+=(fonts-noto-cjk)
fc-list ":family=Liberation Sans" family 2>/dev/null | grep -q "Liberation Sans" || need+=(fonts-liberation)
command -v fc-list >/dev/null || need+=(fontconfig)
if [ "$mode" = test ]; then
  command -v chromium >/dev/null || need+=(chromium)
  command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
  command -v ffmpeg >/dev/null || need+=(ffmpeg)
  command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-chi-sim)
  command -v pdftotext >/dev/null || need+=(poppler-utils)
  command -v ab >/dev/null || need+=(apache2-utils)
  command -v goaccess >/dev/null || need+=(goaccess)
  command -v rg >/dev/null || need+=(ripgrep)
  command -v npm >/dev/null || need+=(nodejs npm)
fi
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 && exit 0
  echo "could not install: ${need[*]}"
else
  echo "missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})"
fi
if [ "$mode" = demo ]; then
  echo "the demo needs them: PDFs would print Chinese as empty boxes. Install them, then run make demo again." >&2
  exit 1
fi
echo "tests that need them will skip"
exit 0
