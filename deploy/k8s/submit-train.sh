#!/usr/bin/env bash
# Data-parallel CLUDA training on Kubernetes: one executor per GPU, one barrier task (rank) per GPU.
# The image is built from deploy/Dockerfile.gpu-executor and pushed as $CLUDA_IMAGE.
set -euo pipefail
: "${K8S_API:?https://<api-server>:6443}" "${CLUDA_IMAGE:?registry/cluda-gpu:tag}" "${RUN:?s3a://bucket/runs/name}"
"$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --name cluda-train \
  --class dev.cluda.cli.Cluda \
  --conf spark.kubernetes.container.image="$CLUDA_IMAGE" \
  --conf spark.executor.instances="${RANKS:-4}" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript=/opt/cluda/getGpusResources.sh \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.executor.memory=24g --conf spark.executor.cores=8 \
  --conf spark.driver.extraJavaOptions="-Dai.djl.offline=true -Dlog4j2.configurationFile=/opt/cluda/conf/log4j2.properties" \
  --conf spark.executor.extraJavaOptions="-Dai.djl.offline=true -Dlog4j2.configurationFile=/opt/cluda/conf/log4j2.properties" \
  --conf spark.hadoop.fs.s3a.aws.credentials.provider=com.amazonaws.auth.WebIdentityTokenCredentialsProvider \
  local:///opt/cluda/cluda.jar \
  train --config /opt/cluda/conf/gta2cs.conf --set distributed.ranks="${RANKS:-4}" --out "$RUN"
