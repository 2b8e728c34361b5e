# shellcheck shell=bash
# Sourced by scripts/run-app and scripts/run-tests: create or reuse the project's own venv.
# Reinstalls only when pyproject.toml changed since the last install. Written for the bash 3.2 and
# BSD tools of a stock macOS as well as Linux: no GNU-only commands or options.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${LEASELAB_VENV:-$ROOT/.venv}"

# The first interpreter that is 3.11 or newer: a stock macOS's python3 may be 3.9 while a
# python.org or Homebrew install sits beside it as python3.1x.
pick_python() {
  local candidate
  for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11 python; do
    if command -v "$candidate" >/dev/null 2>&1 \
      && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "error: LeaseLab Desktop needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  "$(pick_python)" -m venv "$VENV"
fi
stamp="$VENV/.leaselab-installed"
# hashlib rather than sha256sum (GNU) or shasum (macOS): the venv's Python is on every OS.
want="$("$VENV/bin/python" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$ROOT/pyproject.toml")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "${ROOT}[test]"
  echo "$want" > "$stamp"
fi
# The OCR models the app runs (resources/ocr/*.onnx, ~16 MB, not committed): derived from the
# rapidocr wheel's by scripts/fuse_ocr_models.py (needs onnx, a test dependency; no wheel for 3.13+).
# Written again when a file is missing or is not the one models.json records (the rewrite changed).
if "$VENV/bin/python" -c 'import importlib.util as u, sys; sys.exit(not (u.find_spec("onnx") and u.find_spec("rapidocr_onnxruntime")))' >/dev/null 2>&1; then
  "$VENV/bin/python" "$ROOT/scripts/fuse_ocr_models.py" --if-stale >/dev/null
fi
export PATH="$VENV/bin:$PATH"
