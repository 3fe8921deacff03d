#!/bin/sh
# Builds openjph-exr.wasm (committed beside this script) from the vendored OpenJPH 0.31.0 sources and
# exr_ht_decode.cpp, with Debian's clang for wasm32-wasi (no network, no Emscripten):
#   apt-get install clang-14 lld-14 wasi-libc libc++-dev-wasm32 libclang-rt-14-dev-wasm32
# Generic C++ only (no SIMD files): exact integer decoding does not depend on them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src="$here/third_party/openjph-0.31.0/src/core"
files=$(find "$src" -name '*.cpp' -o -name '*.c' | LC_ALL=C sort)
# shellcheck disable=SC2086
clang++-14 --target=wasm32-wasi -O2 -std=c++14 -fno-exceptions -fno-rtti \
  -include "$here/no-exceptions.h" -DOJPH_DISABLE_SIMD \
  -I"$src" -I"$src/common" -I"$src/openjph" \
  -mexec-model=reactor -Wl,--no-entry -Wl,--gc-sections -Wl,--strip-all \
  -Wl,-z,stack-size=1048576 -Wl,--max-memory=1073741824 \
  -x c++ $files "$here/exr_ht_decode.cpp" -o "$here/openjph-exr.wasm"
sha256sum "$here/openjph-exr.wasm"
