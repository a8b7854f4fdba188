#!/usr/bin/env bash
# Data-parallel CLUDA training on YARN with GPU scheduling (YARN 3.1+ with the GPU plugin enabled).
# Executors must see libtorch 2.7.1+cu128: install it on the nodes (or use the docker runtime
# with deploy/Dockerfile.gpu-executor) and point PYTORCH_LIBRARY_PATH at it.
set -euo pipefail
: "${RUN:?set RUN to the run folder, e.g. hdfs:///user/${USER:-cluda}/runs/name}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLUDA_EXECUTORS="${RANKS:-4}" "$here/deploy/cluda-submit.sh" --master yarn -- \
  train --config "$here/conf/gta2cs.conf" --set distributed.ranks="${RANKS:-4}" --out "$RUN"
