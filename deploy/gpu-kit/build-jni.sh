#!/usr/bin/env bash
# Builds DJL's PyTorch JNI (libdjl_torch.so) from DJL's sources against a local libtorch
# (a pip torch install or an unzipped libtorch), and lays it out where DJL's loader
# (ai.djl.pytorch.jni.LibUtils, DJL 0.36.0) finds it with PYTORCH_LIBRARY_PATH set.
#
#   build-jni.sh --djl-src DIR [--torch DIR] [--out DIR] [--jobs N]
#                [--cuda auto|on|off] [--cuda-arch LIST] [--djl-version V]
#   build-jni.sh --djl-src DIR --stage DIR
#
# --djl-src   a DJL checkout at v0.36.0, or a tree made by --stage
# --torch     folder holding include/, lib/, share/cmake (default: the python3 torch package)
# --out       output folder (default: ./djl-torch-jni); gets cache/, env.sh, build.log
# --stage     needs a JDK, no torch: copies the few DJL source folders the JNI needs, applies
#             the patch, generates the javah header and copies jni.h/jni_md.h, so that the
#             result (well under 1 MiB) builds on a machine without a JDK.
# --cuda      auto (default): CUDA build if <torch>/lib/libtorch_cuda.so exists
# --cuda-arch TORCH_CUDA_ARCH_LIST (default: $TORCH_CUDA_ARCH_LIST, else nvidia-smi's compute
#             capability, else 9.0); the JNI has no .cu files, it only spares Torch's CMake
#             config the GPU probe
#
# Every phase prints what it does; the exports to use are printed at the end and written to
# OUT/env.sh.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PATCH="$HERE/djl-v0.36.0-pytorch-jni.patch"
STAGE_MARK=".djl-gpukit-stage"
NATIVE_REL="engines/pytorch/pytorch-native"
UTILS_REL="api/src/main/native"
ENGINE_JAVA_REL="engines/pytorch/pytorch-engine/src/main/java"

DJL_SRC=""
TORCH_DIR=""
OUT_DIR="$PWD/djl-torch-jni"
STAGE_DIR=""
JOBS="${JOBS:-2}"
CUDA_MODE="auto"
CUDA_ARCH="${TORCH_CUDA_ARCH_LIST:-}"
DJL_VERSION="0.36.0"

die() { echo "build-jni: error: $*" >&2; exit 1; }
log() { echo "build-jni: $*" >&2; }
usage() { sed -n '2,24p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --djl-src) DJL_SRC="$2"; shift 2 ;;
    --torch) TORCH_DIR="$2"; shift 2 ;;
    --out) OUT_DIR="$2"; shift 2 ;;
    --stage) STAGE_DIR="$2"; shift 2 ;;
    --jobs) JOBS="$2"; shift 2 ;;
    --cuda) CUDA_MODE="$2"; shift 2 ;;
    --cuda-arch) CUDA_ARCH="$2"; shift 2 ;;
    --djl-version) DJL_VERSION="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

[[ -n "$DJL_SRC" ]] || die "--djl-src is required"
DJL_SRC="$(cd "$DJL_SRC" && pwd)"
[[ "$CUDA_MODE" =~ ^(auto|on|off)$ ]] || die "--cuda must be auto, on or off"

# Copies the parts of a DJL checkout that the JNI build reads into $1 and applies the patch.
copy_sources() {
  local dst="$1"
  [[ -f "$DJL_SRC/$NATIVE_REL/CMakeLists.txt" ]] || die "$DJL_SRC is not a DJL checkout"
  mkdir -p "$dst/$NATIVE_REL/src/main" "$dst/$UTILS_REL"
  cp "$DJL_SRC/$NATIVE_REL/CMakeLists.txt" "$dst/$NATIVE_REL/"
  cp -R "$DJL_SRC/$NATIVE_REL/src/main/native" "$dst/$NATIVE_REL/src/main/"
  cp -R "$DJL_SRC/$UTILS_REL/." "$dst/$UTILS_REL/"
  if grep -q '^diff --git' "$PATCH"; then
    log "applying $(basename "$PATCH")"
    (cd "$dst" && patch -p1 --forward --batch < "$PATCH") >&2 || die "patch does not apply"
  else
    log "$(basename "$PATCH") has no hunks: sources used unchanged"
  fi
}

# Generates ai_djl_pytorch_jni_PyTorchLibrary.h (javac -h) into $1.
gen_header() {
  local inc="$1" tmp
  command -v javac >/dev/null || die "javac not found: use a tree made by --stage"
  [[ -f "$DJL_SRC/$ENGINE_JAVA_REL/ai/djl/pytorch/jni/PyTorchLibrary.java" ]] \
    || die "PyTorchLibrary.java not found under $DJL_SRC/$ENGINE_JAVA_REL"
  tmp="$(mktemp -d)"
  javac -sourcepath "$DJL_SRC/$ENGINE_JAVA_REL" \
    "$DJL_SRC/$ENGINE_JAVA_REL/ai/djl/pytorch/jni/PyTorchLibrary.java" -h "$inc" -d "$tmp"
  rm -rf "$tmp"
}

java_home() {
  if [[ -n "${JAVA_HOME:-}" && -f "$JAVA_HOME/include/jni.h" ]]; then
    echo "$JAVA_HOME"
  elif command -v javac >/dev/null; then
    dirname "$(dirname "$(readlink -f "$(command -v javac)")")"
  fi
}

# ---------------------------------------------------------------- stage mode
if [[ -n "$STAGE_DIR" ]]; then
  [[ -f "$DJL_SRC/$STAGE_MARK" ]] && die "--djl-src is already a staged tree"
  mkdir -p "$STAGE_DIR"
  STAGE_DIR="$(cd "$STAGE_DIR" && pwd)"
  rm -rf "${STAGE_DIR:?}/engines" "${STAGE_DIR:?}/api" "$STAGE_DIR/jni-include"
  copy_sources "$STAGE_DIR"
  gen_header "$STAGE_DIR/$NATIVE_REL/build/include"
  JH="$(java_home)"
  [[ -n "$JH" ]] || die "no JDK found (set JAVA_HOME)"
  mkdir -p "$STAGE_DIR/jni-include"
  cp "$JH/include/jni.h" "$JH/include/linux/jni_md.h" "$STAGE_DIR/jni-include/"
  {
    echo "staged from: $DJL_SRC ($(git -C "$DJL_SRC" describe --tags 2>/dev/null || echo unknown))"
    echo "patch: $(sha256sum "$PATCH" | cut -d' ' -f1)"
    echo "jni headers: $JH"
  } > "$STAGE_DIR/$STAGE_MARK"
  log "staged tree: $STAGE_DIR ($(du -sh "$STAGE_DIR" | cut -f1))"
  exit 0
fi

# ---------------------------------------------------------------- build mode
if [[ -z "$TORCH_DIR" ]]; then
  TORCH_DIR="$(python3 -c 'import importlib.util, os; print(os.path.dirname(importlib.util.find_spec("torch").origin))' 2>/dev/null || true)"
  [[ -n "$TORCH_DIR" ]] || die "no --torch given and python3 has no torch package"
fi
TORCH_DIR="$(cd "$TORCH_DIR" && pwd)"
[[ -f "$TORCH_DIR/lib/libtorch.so" ]] || die "$TORCH_DIR/lib/libtorch.so not found"
[[ -f "$TORCH_DIR/share/cmake/Torch/TorchConfig.cmake" ]] \
  || die "$TORCH_DIR/share/cmake/Torch/TorchConfig.cmake not found"

# Torch version: version.py of a pip install, else the headers.
TORCH_VERSION=""
if [[ -f "$TORCH_DIR/version.py" ]]; then
  TORCH_VERSION="$(sed -n "s/^__version__ = '\([0-9.]*\).*/\1/p" "$TORCH_DIR/version.py")"
fi
if [[ -z "$TORCH_VERSION" ]]; then
  for h in headeronly/version.h csrc/api/include/torch/version.h; do
    f="$TORCH_DIR/include/torch/$h"
    if [[ -f "$f" ]] && grep -q 'define TORCH_VERSION_MAJOR' "$f"; then
      TORCH_VERSION="$(awk '/define TORCH_VERSION_(MAJOR|MINOR|PATCH) /{v[$2]=$3}
        END{print v["TORCH_VERSION_MAJOR"]"."v["TORCH_VERSION_MINOR"]"."v["TORCH_VERSION_PATCH"]}' "$f")"
      break
    fi
  done
fi
[[ "$TORCH_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "cannot tell the torch version of $TORCH_DIR"

USE_CUDA=0
if [[ "$CUDA_MODE" == on || ( "$CUDA_MODE" == auto && -f "$TORCH_DIR/lib/libtorch_cuda.so" ) ]]; then
  USE_CUDA=1
fi

case "$(uname -m)" in
  x86_64|amd64) ARCH=x86_64 ;;
  aarch64|arm64) ARCH=aarch64 ;;
  *) ARCH="$(uname -m)" ;;
esac
CLASSIFIER="linux-$ARCH"

CMAKE_CUDA_ARGS=()
if [[ "$USE_CUDA" == 1 ]]; then
  NVCC="$(command -v nvcc || true)"
  if [[ -z "$NVCC" && -n "${CUDA_HOME:-}" && -x "$CUDA_HOME/bin/nvcc" ]]; then
    NVCC="$CUDA_HOME/bin/nvcc"
  fi
  [[ -n "$NVCC" ]] || die "CUDA torch but no nvcc on PATH (Torch's CMake config enables CUDA)"
  CUDA_ROOT="$(dirname "$(dirname "$(readlink -f "$NVCC")")")"
  CUDA_VER="$("$NVCC" --version | sed -n 's/.*release \([0-9]*\)\.\([0-9]*\).*/\1.\2/p')"
  TORCH_CUDA=""
  if [[ -f "$TORCH_DIR/version.py" ]]; then
    TORCH_CUDA="$(sed -n "s/^cuda: .* = '\([0-9.]*\)'.*/\1/p; s/^cuda = '\([0-9.]*\)'.*/\1/p" "$TORCH_DIR/version.py")"
  fi
  if [[ -n "$TORCH_CUDA" && "$TORCH_CUDA" != "$CUDA_VER" ]]; then
    log "warning: torch was built for CUDA $TORCH_CUDA, nvcc is CUDA $CUDA_VER"
  fi
  FLAVOR_CUDA="${TORCH_CUDA:-$CUDA_VER}"
  FLAVOR="cu$(echo "$FLAVOR_CUDA" | awk -F. '{printf "%d%d", $1, $2}')"
  if [[ -z "$CUDA_ARCH" ]] && command -v nvidia-smi >/dev/null; then
    CUDA_ARCH="$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | sort -u | paste -sd';' || true)"
  fi
  CUDA_ARCH="${CUDA_ARCH:-9.0}"
  CMAKE_CUDA_ARGS=(
    -DUSE_CUDA=1
    "-DCMAKE_CUDA_COMPILER=$NVCC"
    "-DCUDA_TOOLKIT_ROOT_DIR=$CUDA_ROOT"
    "-DCUDAToolkit_ROOT=$CUDA_ROOT"
    "-DTORCH_CUDA_ARCH_LIST=$CUDA_ARCH"
    -DCAFFE2_USE_CUDNN=OFF
  )
  log "CUDA build: nvcc $NVCC (CUDA $CUDA_VER), TORCH_CUDA_ARCH_LIST=$CUDA_ARCH"
else
  FLAVOR="cpu"
fi

mkdir -p "$OUT_DIR"
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$OUT_DIR/work"
rm -rf "$WORK"
mkdir -p "$WORK"

# Sources: a staged tree is used as it is (already patched, header and jni.h included);
# a checkout is copied and patched, the header generated.
JNI_ARGS=()
if [[ -f "$DJL_SRC/$STAGE_MARK" ]]; then
  log "using staged tree $DJL_SRC"
  cp -R "$DJL_SRC/engines" "$DJL_SRC/api" "$WORK/"
  JNI_INC="$DJL_SRC/jni-include"
else
  copy_sources "$WORK"
  gen_header "$WORK/$NATIVE_REL/build/include"
  JH="$(java_home)"
  [[ -n "$JH" ]] || die "no JDK for jni.h: stage the sources on a machine with a JDK (--stage)"
  JNI_INC="$JH/include"
  JNI_ARGS=("-DJAVA_INCLUDE_PATH2=$JH/include/linux")
fi
[[ -f "$WORK/$NATIVE_REL/build/include/ai_djl_pytorch_jni_PyTorchLibrary.h" ]] || die "no javah header"
if [[ ${#JNI_ARGS[@]} -eq 0 ]]; then
  JNI_ARGS=("-DJAVA_INCLUDE_PATH2=$JNI_INC")
fi
# FindJNI only has to succeed: nothing links against libjvm/libjawt.
JNI_ARGS+=("-DJAVA_INCLUDE_PATH=$JNI_INC" -DJAVA_JVM_LIBRARY=NotNeeded
           -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded)

GEN=()
if command -v ninja >/dev/null; then
  GEN=(-G Ninja)
else
  GEN=(-G "Unix Makefiles")
fi

BUILD="$WORK/build"
LOGF="$OUT_DIR/build.log"
log "torch $TORCH_VERSION ($FLAVOR) at $TORCH_DIR; building in $BUILD (log: $LOGF)"
START=$(date +%s)
{
  cmake "${GEN[@]}" -S "$WORK/$NATIVE_REL" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    "-DCMAKE_PREFIX_PATH=$TORCH_DIR/share/cmake" \
    "-DCMAKE_SHARED_LINKER_FLAGS=-Wl,--as-needed" \
    "${JNI_ARGS[@]}" "${CMAKE_CUDA_ARGS[@]}"
  cmake --build "$BUILD" --config Release -j "$JOBS"
} > "$LOGF" 2>&1 || { tail -40 "$LOGF" >&2; die "build failed (full log: $LOGF)"; }
log "built in $(( $(date +%s) - START )) s"

SO="$BUILD/libdjl_torch.so"
[[ -f "$SO" ]] || die "no $SO"

# LibUtils.findJniLibrary: with PYTORCH_LIBRARY_PATH set it looks for the JNI in that folder,
# then in <ENGINE_CACHE_DIR>/pytorch/<PYTORCH_VERSION>-<PYTORCH_FLAVOR>-<classifier>/
# <djl version>-libdjl_torch.so. The second keeps the torch install untouched.
CACHE="$OUT_DIR/cache"
JNI_DIR="$CACHE/pytorch/$TORCH_VERSION-$FLAVOR-$CLASSIFIER"
mkdir -p "$JNI_DIR"
cp "$SO" "$JNI_DIR/$DJL_VERSION-libdjl_torch.so"

# Test libraries of the pip wheel that LibUtils would otherwise System.load one by one.
EXCL="libtorchbind_test.so,libjitbackend_test.so,libbackend_with_compiler.so,libaoti_custom_ops.so"

cat > "$OUT_DIR/env.sh" <<EOF
# source this file before starting the JVM (DJL ${DJL_VERSION}, torch ${TORCH_VERSION} ${FLAVOR})
export PYTORCH_LIBRARY_PATH="$TORCH_DIR/lib"
export PYTORCH_VERSION="$TORCH_VERSION"
export PYTORCH_FLAVOR="$FLAVOR"
export ENGINE_CACHE_DIR="$CACHE"
export PYTORCH_LIBRARY_EXCLUSION="$EXCL"
export DJL_OFFLINE=true
EOF
log "JNI: $JNI_DIR/$DJL_VERSION-libdjl_torch.so"
echo "# export these (also in $OUT_DIR/env.sh); keep pytorch-native-* and pytorch-jni jars off the classpath"
grep '^export' "$OUT_DIR/env.sh"
