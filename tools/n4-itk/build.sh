#!/usr/bin/env bash
# Build tools/n4-itk/n4 (ITK's N4, the reference for `npm run validate:n4` and
# `npm run bench:n4`) against Debian's ITK:  apt-get install -y libinsighttoolkit5-dev cmake g++
# Output: tmp/n4-itk/n4 at the repository root (gitignored). Prints the binary's path.
# Not part of `npm test`: ITK's headers are a large install CI does not need.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$ROOT/tmp/n4-itk"
die() { echo "n4-itk/build.sh: ERROR: $*" >&2; exit 1; }
command -v cmake >/dev/null 2>&1 || die "cmake is not installed (apt-get install -y cmake)"
command -v g++ >/dev/null 2>&1 || die "g++ is not installed (apt-get install -y g++)"
compgen -G "/usr/lib/cmake/ITK-5*/ITKConfig.cmake" >/dev/null || compgen -G "/usr/lib/*/cmake/ITK-5*/ITKConfig.cmake" >/dev/null \
  || die "ITK 5 development files are missing (apt-get install -y libinsighttoolkit5-dev)"
mkdir -p "$BUILD"
if [ ! -x "$BUILD/n4" ] || [ "$HERE/n4.cxx" -nt "$BUILD/n4" ] || [ "$HERE/CMakeLists.txt" -nt "$BUILD/n4" ]; then
  cmake -S "$HERE" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release >"$BUILD/cmake.log" 2>&1 || { cat "$BUILD/cmake.log" >&2; die "cmake failed"; }
  cmake --build "$BUILD" -j "${N4_ITK_JOBS:-1}" >"$BUILD/build.log" 2>&1 || { tail -n 40 "$BUILD/build.log" >&2; die "build failed"; }
fi
echo "$BUILD/n4"
