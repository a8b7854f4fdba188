#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript): prints the GPUs this
# executor may use as the JSON Spark expects, e.g. {"name": "gpu", "addresses": ["0","1"]}.
# Honours CUDA_VISIBLE_DEVICES when the cluster manager already restricted the devices.
set -euo pipefail
if [[ -n "${CUDA_VISIBLE_DEVICES:-}" ]]; then
  ids=$(echo "$CUDA_VISIBLE_DEVICES" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd, -)
else
  ids=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g; s/.*/"&"/' | paste -sd, -)
fi
echo "{\"name\": \"gpu\", \"addresses\": [${ids}]}"
