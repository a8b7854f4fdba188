#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as the JSON Spark expects, e.g. {"name":"gpu","addresses":["0","1"]}.
# The addresses are indices into the devices this process sees (Spark's convention, as in
# TorchDistributor and spark-rapids): with CUDA_VISIBLE_DEVICES=2,3 they are "0" and "1", because
# CUDA renumbers the visible devices from 0 and the task opens Device.gpu(address).
set -euo pipefail
addresses=""
add() { addresses="${addresses:+$addresses,}\"$1\""; }
if [[ -n "${CUDA_VISIBLE_DEVICES+set}" ]]; then
  # Set but empty hides every GPU, so it yields no addresses rather than asking nvidia-smi.
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  n=0
  for device in ${visible[@]+"${visible[@]}"}; do
    if [[ -n "${device// /}" ]]; then add "$n"; n=$((n + 1)); fi
  done
else
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    echo "getGpusResources.sh: nvidia-smi not found and CUDA_VISIBLE_DEVICES not set" >&2
    exit 1
  fi
  # nvidia-smi ignores CUDA_VISIBLE_DEVICES, which is unset here, so its indices are the visible ones.
  indices=$(nvidia-smi --query-gpu=index --format=csv,noheader)
  while IFS= read -r index; do
    index="${index//[[:space:]]/}"
    if [[ -n "$index" ]]; then add "$index"; fi
  done <<< "$indices"
fi
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
