#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: installed when missing (as root, with apt-get);
# otherwise listed, and the tests that need them skip with the reason.
set -u
need=()
command -v chromium >/dev/null || need+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || need+=(fonts-noto-cjk)
command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-chi-sim)
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v ab >/dev/null || need+=(apache2-utils)
command -v goaccess >/dev/null || need+=(goaccess)
command -v rg >/dev/null || need+=(ripgrep)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian packages: ${need[*]}"
  apt-get update -qq >/dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
    || echo "could not install: ${need[*]} (tests that need them will skip)"
else
  echo "missing Debian packages (tests that need them will skip): ${need[*]}"
fi
exit 0
