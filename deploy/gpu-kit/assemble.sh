#!/usr/bin/env bash
# Assembles, on a machine with a JDK 17 and Maven (offline), everything one call on the GPU
# machine needs (which has no JDK and no network) into one folder of at most 64 MiB:
#
#   assemble.sh [--out DIR] [--djl-src DIR]
#
# --out      the kit folder (default: target/gpu-kit under the repository root; emptied first)
# --djl-src  a DJL v0.36.0 checkout: stage its JNI sources (build-jni.sh --stage) into the kit,
#            so the GPU machine can compile the JNI without a JDK. Without it, run-checks.sh
#            needs --jni DIR or --bundled-jni.
#
# The kit: java/ (a jlinked Java 17 runtime), lib/ (the core jar and core's runtime dependencies
# without pytorch-native-cpu and pytorch-jni), conf/ (the synthetic configuration), smoke/
# (Smoke.class), run-checks.sh, build-jni.sh + patch, djl-stage/ (with --djl-src), MANIFEST.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/target/gpu-kit"
DJL_SRC=""
LIMIT=$((64 * 1024 * 1024))

die() { echo "assemble: error: $*" >&2; exit 1; }
log() { echo "assemble: $*" >&2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) OUT="$2"; shift 2 ;;
    --djl-src) DJL_SRC="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

command -v jlink >/dev/null || die "jlink not on PATH (needs a JDK 17)"
command -v jdeps >/dev/null || die "jdeps not on PATH"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
[[ "$OUT" != "/" && "$OUT" != "$ROOT" ]] || die "refusing to empty $OUT"
rm -rf "${OUT:?}"/*
mkdir -p "$OUT/lib" "$OUT/conf" "$OUT/smoke"

log "compiling core (offline)"
(cd "$ROOT" && mvn -B -o -q compile -pl core)
jar --create --file "$OUT/lib/cluda-core.jar" -C "$ROOT/core/target/classes" .

log "copying core's runtime dependencies"
(cd "$ROOT" && mvn -B -o -q dependency:copy-dependencies -pl core -DincludeScope=runtime \
  -DoutputDirectory="$OUT/lib")
# the GPU machine's own libtorch and the self-built JNI replace these (see README)
rm -f "$OUT"/lib/pytorch-native-cpu-*.jar "$OUT"/lib/pytorch-jni-*.jar
# the run directory's charts and PDF report (dev.cluda.rundir): no check loads them; 4 MiB
rm -f "$OUT"/lib/xchart-*.jar "$OUT"/lib/pdfbox-*.jar "$OUT"/lib/fontbox-*.jar "$OUT"/lib/graphics2d-*.jar \
  "$OUT"/lib/VectorGraphics2D-*.jar "$OUT"/lib/animated-gif-lib-*.jar
ls "$OUT"/lib/*.jar >/dev/null

log "Smoke.class"
CP="$(find "$OUT/lib" -name '*.jar' | sort | paste -sd: -)"
javac -nowarn -cp "$CP" -d "$OUT/smoke" "$HERE/Smoke.java"

log "jdeps: modules the jars need"
# on the jars' classes unpacked into one folder without module-info: a modular jar given to jdeps
# must have its requires resolved (commons-compress requires commons-lang3, which core lacks)
CLASSES="$(mktemp -d)"
trap 'rm -rf "$CLASSES"' EXIT
for j in "$OUT"/lib/*.jar; do
  (cd "$CLASSES" && jar --extract --file "$j")
done
cp -R "$OUT/smoke/." "$CLASSES/"
find "$CLASSES" -name module-info.class -delete
rm -rf "$CLASSES/META-INF/versions"
MODULES="$(jdeps --print-module-deps --ignore-missing-deps -q "$CLASSES" | tail -1)"
[[ -n "$MODULES" ]] || die "jdeps found no modules"
# jdk.unsupported: sun.misc.Unsafe (JNA, DJL buffers); jdk.zipfs: reading jars as file systems
MODULES="$MODULES,jdk.unsupported,jdk.zipfs,jdk.crypto.ec"
log "modules: $MODULES"
jlink --add-modules "$MODULES" --strip-debug --strip-native-debug-symbols=exclude-debuginfo-files --no-man-pages --no-header-files --compress=2 \
  --output "$OUT/java"
# libjvm.so keeps its symbol table through jlink's own stripping: 3 MiB less
if command -v strip >/dev/null; then
  chmod u+w "$OUT/java/lib/server/libjvm.so"
  strip --strip-unneeded "$OUT/java/lib/server/libjvm.so"
fi
"$OUT/java/bin/java" -version 2>/dev/null || die "the jlinked runtime does not start"

cp "$ROOT/conf/synthetic.conf" "$OUT/conf/"
cp "$HERE/run-checks.sh" "$HERE/build-jni.sh" "$HERE/djl-v0.36.0-pytorch-jni.patch" "$OUT/"
chmod +x "$OUT/run-checks.sh" "$OUT/build-jni.sh"
if [[ -n "$DJL_SRC" ]]; then
  log "staging DJL's JNI sources from $DJL_SRC"
  "$HERE/build-jni.sh" --djl-src "$DJL_SRC" --stage "$OUT/djl-stage"
fi

{
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "modules $MODULES"
  echo "java $(du -sh "$OUT/java" | cut -f1)"
  echo "lib $(du -sh "$OUT/lib" | cut -f1)"
  [[ -d "$OUT/djl-stage" ]] && echo "djl-stage $(du -sh "$OUT/djl-stage" | cut -f1)"
  echo "total $(du -sb "$OUT" | cut -f1) bytes (this file excluded)"
} > "$OUT/MANIFEST"
cat "$OUT/MANIFEST" >&2
TOTAL="$(du -sb "$OUT" | cut -f1)"
# a run call carries the repository's working tree (tracked and unignored files) with the kit
TREE="$(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 du -cb 2>/dev/null | tail -1 | cut -f1)"
TREE="${TREE:-0}"
log "kit $TOTAL bytes + working tree $TREE bytes = $((TOTAL + TREE)) of $LIMIT"
if (( TOTAL + TREE > LIMIT )); then
  die "kit + working tree are $((TOTAL + TREE)) bytes, over the 64 MiB a run call carries"
fi
log "kit ready: $OUT ($((TOTAL / 1024)) KiB)"
