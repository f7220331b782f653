#!/usr/bin/env bash
# Prints the path of a CPython 3.12 (the OSRM wheels exist for 3.12 only): on PATH, under pyenv, or one
# that uv installs (uv downloads it where the internet reaches; uv itself comes from PyPI).
set -uo pipefail
is_312() { "$1" -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null; }

for candidate in $(ls -d "$(pyenv root 2>/dev/null)"/versions/3.12*/bin/python3.12 2>/dev/null | sort -rV) \
                 $(command -v python3.12) $(command -v python3); do
    if is_312 "$candidate"; then echo "$candidate"; exit 0; fi
done

uv=$(command -v uv || true)
if [ -z "$uv" ] && command -v python3 >/dev/null; then
    python3 -m pip install -q --user uv >&2 && uv="$(python3 -m site --user-base)/bin/uv"
fi
if [ -n "$uv" ] && "$uv" python install 3.12 >&2; then
    found=$("$uv" python find 3.12 2>/dev/null)
    if [ -n "$found" ] && is_312 "$found"; then echo "$found"; exit 0; fi
fi
echo "CPython 3.12 is required (the OSRM wheels are built for it only) and none was found or could be installed: install python3.12, or uv (https://docs.astral.sh/uv/), then run again." >&2
exit 1
