#!/usr/bin/env bash
# build-deps.sh: builds badcreds' libraries for Windows (x86_64-w64-mingw32) from Debian's own source packages, no
# other download: libcsv, PCRE2 and libxml2 into PREFIX (default build-win/deps), with pkg-config files; zlib comes
# ready-made from Debian's libz-mingw-w64-dev. Also writes PREFIX/deps.ini, the second cross file for meson (see
# README, "Windows").
set -eu
PREFIX=$(realpath -m "${1:-build-win/deps}")
WORK=$(realpath -m "${2:-build-win/src}")
HOST=x86_64-w64-mingw32
export DEBIAN_FRONTEND=noninteractive

SUDO=$(command -v sudo || true)
$SUDO apt-get install -y -qq gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 libz-mingw-w64-dev cmake dpkg-dev >/dev/null
if ! grep -rqs '^Types: deb-src' /etc/apt/sources.list.d/; then
	# Debian's source packages: the same archive as the binaries
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
		$SUDO tee /etc/apt/sources.list.d/badcreds-deb-src.sources >/dev/null
	$SUDO apt-get update -qq
fi
mkdir -p "$PREFIX/lib/pkgconfig" "$PREFIX/include" "$WORK"
cd "$WORK"
for pkg in libcsv libxml2 pcre2; do
	ls -d "$pkg"-*/ >/dev/null 2>&1 && continue
	# a security update's .dsc may be missing from the mirror while its original tarball is there
	apt-get source -qq "$pkg" >/dev/null 2>&1 || true
	if ! ls -d "$pkg"-*/ >/dev/null 2>&1; then
		tar xf "$pkg"_*.orig.tar.*
	fi
done

cat > toolchain.cmake <<CMAKE
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_C_COMPILER $HOST-gcc)
set(CMAKE_RC_COMPILER $HOST-windres)
set(CMAKE_FIND_ROOT_PATH /usr/$HOST $PREFIX)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
CMAKE

# libcsv: one source file
csv=$(ls -d libcsv-*/ | head -n 1)
$HOST-gcc -O2 -c "$csv/libcsv.c" -I"$csv" -o libcsv.o
$HOST-ar rcs "$PREFIX/lib/libcsv.a" libcsv.o
cp "$csv/csv.h" "$PREFIX/include/"

# PCRE2 (8-bit only), static
pcre=$(ls -d pcre2-*/ | head -n 1)
cmake -S "$pcre" -B pcre2-build -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" -DCMAKE_INSTALL_PREFIX="$PREFIX" \
	-DBUILD_SHARED_LIBS=OFF -DPCRE2_BUILD_PCRE2GREP=OFF -DPCRE2_BUILD_TESTS=OFF -DPCRE2_SUPPORT_JIT=ON >/dev/null
cmake --build pcre2-build -j"$(nproc)" >/dev/null
cmake --install pcre2-build >/dev/null

# libxml2: no network code, no HTTP/FTP, no Python, static
xml=$(ls -d libxml2-*/ | head -n 1)
cmake -S "$xml" -B libxml2-build -DCMAKE_TOOLCHAIN_FILE="$WORK/toolchain.cmake" -DCMAKE_INSTALL_PREFIX="$PREFIX" \
	-DBUILD_SHARED_LIBS=OFF -DLIBXML2_WITH_PYTHON=OFF -DLIBXML2_WITH_HTTP=OFF -DLIBXML2_WITH_FTP=OFF \
	-DLIBXML2_WITH_LZMA=OFF -DLIBXML2_WITH_ICONV=OFF -DLIBXML2_WITH_ICU=OFF -DLIBXML2_WITH_TESTS=OFF \
	-DLIBXML2_WITH_PROGRAMS=OFF -DLIBXML2_WITH_ZLIB=OFF >/dev/null
cmake --build libxml2-build -j"$(nproc)" >/dev/null
cmake --install libxml2-build >/dev/null

cat > "$PREFIX/lib/pkgconfig/libcsv.pc" <<PC
prefix=$PREFIX
Name: libcsv
Description: CSV library
Version: 3.0.3
Libs: -L\${prefix}/lib -lcsv
Cflags: -I\${prefix}/include
PC
# the second cross file for meson: pkg-config sees these libraries and Debian's mingw zlib, nothing of the build machine
cat > "$PREFIX/deps.ini" <<INI
[properties]
pkg_config_libdir = ['$PREFIX/lib/pkgconfig', '/usr/$HOST/lib/pkgconfig']
INI
echo "built into $PREFIX:"
ls "$PREFIX/lib" "$PREFIX/lib/pkgconfig"
