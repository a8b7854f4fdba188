#!/usr/bin/env bash
# The GPU kit's driver: run from inside the folder assemble.sh made, on the GPU machine (no JDK,
# no network) or, for the dry run, on a CPU machine.
#
#   run-checks.sh [--jni DIR | --bundled-jni --extra-cp CP] [--torch DIR] [--checks "NAME..."]
#                 [--budget SECONDS] [--java PATH]
#
# JNI     default: build DJL's JNI from the kit's djl-stage/ against --torch (default: python3's
#         torch) with build-jni.sh into ../gpu-kit-jni (beside the kit), then use its env.sh;
#         --jni DIR: an earlier build-jni.sh --out such as that one
#         (its env.sh is sourced); --bundled-jni: DJL's own JNI and CPU libtorch from the jars in
#         --extra-cp (pytorch-native-cpu, pytorch-jni), nothing built: the CPU dry run.
# checks  default: "smoke step-compare step-compare-tf32 ring bench-b0-128 bench-b5-512";
#         also "bench-tiny" (MiT-B0 64x64, 1 + 2 steps) for the dry run.
#         step-compare runs with NVIDIA_TF32_OVERRIDE=0 (fp32 everywhere, losses to 1e-4);
#         step-compare-tf32 with the libraries' defaults (cuDNN convolutions in TF32), looser;
#         ring: two rank JVMs over the TCP ring on loopback, both on the device, 3 iterations.
# budget  seconds for everything (default 540): each step's timeout is cut to what is left.
#
# Results go to $OUT if set, else ./results: NAME.json (the check's one JSON line), NAME.log
# (its stderr), NAME.out (its stdout), build-jni.log, summary.json. One failing or timed-out check leaves the others.
# Exit status: 0 if every check passed, else 1.
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RES="${OUT:-$PWD/results}"
JNI_DIR=""
BUNDLED=0
EXTRA_CP=""
TORCH_DIR=""
CHECKS="smoke step-compare step-compare-tf32 ring bench-b0-128 bench-b5-512"
BUDGET=540
JAVA="$HERE/java/bin/java"

die() { echo "run-checks: error: $*" >&2; exit 2; }
log() { echo "run-checks: $*" >&2; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --jni) JNI_DIR="$2"; shift 2 ;;
    --bundled-jni) BUNDLED=1; shift ;;
    --extra-cp) EXTRA_CP="$2"; shift 2 ;;
    --torch) TORCH_DIR="$2"; shift 2 ;;
    --checks) CHECKS="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --java) JAVA="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
  esac
done

mkdir -p "$RES"
RES="$(cd "$RES" && pwd)"
START=$SECONDS
DATA_ROOT="${TMPDIR:-/tmp}/cluda-kit-data"
SUMMARY=()

left() { echo $((BUDGET - (SECONDS - START))); }
# timeout for a step: its own limit, cut to the budget left (at least 1 s)
limit() { local l; l=$(left); (( l < $1 )) && echo $((l > 1 ? l : 1)) || echo "$1"; }
record() { SUMMARY+=("\"$1\":{\"rc\":$2,\"ok\":$3,\"seconds\":$4}"); }

# ---- the JNI and libtorch
[[ -x "$JAVA" ]] || die "no java at $JAVA (run from the assembled kit, or --java)"
if (( BUNDLED )); then
  [[ -n "$EXTRA_CP" ]] || die "--bundled-jni needs --extra-cp with the pytorch-native-cpu and pytorch-jni jars"
  log "DJL's bundled JNI and CPU libtorch (dry run)"
  unset PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR
else
  if [[ -z "$JNI_DIR" ]]; then
    [[ -d "$HERE/djl-stage" ]] || die "no djl-stage/ in the kit (assemble.sh --djl-src) and no --jni"
    # beside the kit, not in $RES (its objects must not travel back with the results); in the
    # repository's ignored target/ a later call on the same machine can reuse it with --jni
    JNI_DIR="$(dirname "$HERE")/gpu-kit-jni"
    t0=$SECONDS
    args=(--djl-src "$HERE/djl-stage" --out "$JNI_DIR" --jobs "$(nproc)")
    [[ -n "$TORCH_DIR" ]] && args+=(--torch "$TORCH_DIR")
    log "building the JNI (log: $RES/build-jni.log)"
    timeout "$(limit 360)" "$HERE/build-jni.sh" "${args[@]}" > "$RES/build-jni.log" 2>&1
    rc=$?
    record build-jni "$rc" "$([[ $rc == 0 ]] && echo true || echo false)" $((SECONDS - t0))
    if (( rc != 0 )); then
      tail -40 "$RES/build-jni.log" >&2
      echo "{${SUMMARY[*]}}" > "$RES/summary.json"
      cat "$RES/summary.json"
      exit 1
    fi
  fi
  [[ -f "$JNI_DIR/env.sh" ]] || die "no env.sh in $JNI_DIR"
  cp "$JNI_DIR/env.sh" "$RES/jni-env.sh"
  # shellcheck disable=SC1091
  . "$JNI_DIR/env.sh"
  log "libtorch $PYTORCH_LIBRARY_PATH ($PYTORCH_VERSION, $PYTORCH_FLAVOR), JNI cache $ENGINE_CACHE_DIR"
fi

CP="$(find "$HERE/lib" -name '*.jar' | sort | paste -sd: -)"
[[ -n "$EXTRA_CP" ]] && CP="$CP:$EXTRA_CP"
JOPTS=(-Dai.djl.offline=true -Xss4m "-Djava.io.tmpdir=${TMPDIR:-/tmp}")
export DJL_OFFLINE=true
# On a GPU machine the checks insist on gpu(0): DJL counts GPUs through libcudart (JNA), and a
# count of 0 would silently compare the CPU with itself. libcudart is looked for next to nvcc too.
DEVICE=auto
if command -v nvidia-smi >/dev/null && nvidia-smi -L > "$RES/nvidia-smi.txt" 2>&1; then
  nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader \
    >> "$RES/nvidia-smi.txt" 2>&1
  DEVICE=gpu
  if command -v nvcc >/dev/null; then
    CUDA_HOME_GUESS="$(cd "$(dirname "$(command -v nvcc)")/.." && pwd)"
    export LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$CUDA_HOME_GUESS/lib64:$CUDA_HOME_GUESS/lib"
  fi
fi
log "device: $DEVICE"

# ---- the checks
run_check() {
  local name="$1" own="$2"; shift 2
  local t0=$SECONDS rc ok
  log "$name (timeout $(limit "$own") s)"
  rm -rf "${DATA_ROOT:?}/$name"
  timeout "$(limit "$own")" "$@" > "$RES/$name.out" 2> "$RES/$name.log"
  rc=$?
  rm -rf "${DATA_ROOT:?}/$name"
  ok=false
  if [[ $rc == 0 ]]; then ok=true; fi
  local last
  last="$(tail -n 1 "$RES/$name.out")"
  if [[ "$last" == "{"* ]]; then
    echo "$last" > "$RES/$name.json"
  else
    # not a DeviceChecks line (Smoke, or a check that died or timed out: rc 124/137)
    last="${last//[\"\\]/}"
    echo "{\"check\":\"$name\",\"ok\":$ok,\"rc\":$rc,\"lastLine\":\"$last\"}" > "$RES/$name.json"
  fi
  record "$name" "$rc" "$ok" $((SECONDS - t0))
  cat "$RES/$name.json"
}

DC=("$JAVA" "${JOPTS[@]}" -cp "$CP" dev.cluda.train.DeviceChecks)
CONF=(--conf "$HERE/conf/synthetic.conf" --device "$DEVICE")

for c in $CHECKS; do
  if (( $(left) < 5 )); then
    log "budget spent: $c not run"
    record "$c" -1 false 0
    continue
  fi
  case "$c" in
    smoke)
      run_check smoke 90 "$JAVA" "${JOPTS[@]}" -cp "$HERE/smoke:$CP" Smoke ;;
    step-compare)
      NVIDIA_TF32_OVERRIDE=0 run_check "$c" 240 "${DC[@]}" step-compare "${CONF[@]}" --data "$DATA_ROOT/$c" ;;
    step-compare-tf32)
      # cuDNN convolutions in TF32 (10-bit mantissa): reported, with tolerances that allow it
      run_check "$c" 180 "${DC[@]}" step-compare "${CONF[@]}" --data "$DATA_ROOT/$c" --loss-tol 1e-2 --grad-tol 5e-2 ;;
    ring)
      run_check "$c" 240 "${DC[@]}" ring "${CONF[@]}" --data "$DATA_ROOT/$c" --iters 3 ;;
    bench-tiny)
      run_check "$c" 180 "${DC[@]}" bench "${CONF[@]}" --data "$DATA_ROOT/$c" --warmup 1 --steps 2 --gemm 256 ;;
    bench-b0-128)
      run_check "$c" 180 "${DC[@]}" bench "${CONF[@]}" --data "$DATA_ROOT/$c" --warmup 3 --steps 10 --gemm 4096 \
        --set model.embedDim=256 --set model.fusedDim=256 --set train.cropWidth=128 \
        --set train.cropHeight=128 --set contrastive.grid=33 ;;
    bench-b5-512)
      run_check "$c" 300 "${DC[@]}" bench "${CONF[@]}" --data "$DATA_ROOT/$c" --warmup 3 --steps 10 --gemm 4096 \
        --set model.encoder=mit_b5 --set model.embedDim=512 --set model.fusedDim=256 \
        --set train.cropWidth=512 --set train.cropHeight=512 --set contrastive.grid=65 \
        --set synth.width=1024 --set synth.height=512 ;;
    *) log "unknown check $c"; record "$c" -1 false 0 ;;
  esac
done

ALL_OK=true
for s in "${SUMMARY[@]}"; do
  [[ "$s" == *'"ok":true'* ]] || ALL_OK=false
done
JOINED="$(IFS=,; echo "${SUMMARY[*]}")"
echo "{\"ok\":$ALL_OK,\"seconds\":$((SECONDS - START)),\"results\":\"$RES\",\"steps\":{$JOINED}}" > "$RES/summary.json"
cat "$RES/summary.json"
[[ $ALL_OK == true ]]
