#!/usr/bin/env bash
# Data-parallel CLUDA training on Kubernetes: one executor per GPU, one barrier task (rank) per GPU.
# The image is built from deploy/Dockerfile.gpu-executor and pushed as $CLUDA_IMAGE.
# The same job as a spark-on-k8s-operator resource: deploy/k8s/sparkapplication-train.yaml.
#
# Required: K8S_API, CLUDA_IMAGE, RUN (the run directory), SOURCE_ROOT, TARGET_ROOT (the GTA5 and
# Cityscapes roots: the example config's roots are relative paths that mean nothing in a pod),
# PRETRAINED (MiT-B5 ImageNet weights, .safetensors or .npz). All three may be s3a:// or hdfs:// URIs.
# Optional: NAMESPACE (cluda), SERVICE_ACCOUNT (cluda-spark: may create executor pods, and is the
# web-identity role that reads the bucket), RANKS (4), MEMORY_OVERHEAD (16g: libtorch and CUDA memory
# live outside the JVM heap, and the pod is killed when they outgrow the default 10 %).
set -euo pipefail
: "${K8S_API:?set K8S_API to https://<api-server>:6443}" "${CLUDA_IMAGE:?set CLUDA_IMAGE to registry/cluda-gpu:tag}"
: "${RUN:?set RUN to the run directory, e.g. s3a://bucket/runs/name}"
: "${SOURCE_ROOT:?set SOURCE_ROOT to the GTA5 root, e.g. s3a://bucket/data/gta}"
: "${TARGET_ROOT:?set TARGET_ROOT to the Cityscapes root, e.g. s3a://bucket/data/cityscapes}"
: "${PRETRAINED:?set PRETRAINED to the MiT-B5 weights, e.g. s3a://bucket/pretrained/mit_b5.safetensors}"
: "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ranks="${RANKS:-4}"
log4j="-Dlog4j2.configurationFile=/opt/cluda/conf/log4j2.properties"
exec "$SPARK_HOME/bin/spark-submit" \
  --master "k8s://$K8S_API" --deploy-mode cluster \
  --name cluda-train \
  --class dev.cluda.cli.Cluda \
  --conf spark.kubernetes.namespace="${NAMESPACE:-cluda}" \
  --conf spark.kubernetes.authenticate.driver.serviceAccountName="${SERVICE_ACCOUNT:-cluda-spark}" \
  --conf spark.kubernetes.container.image="$CLUDA_IMAGE" \
  --conf spark.kubernetes.executor.podTemplateFile="$here/executor-pod-template.yaml" \
  --conf spark.executor.instances="$ranks" \
  --conf spark.executor.resource.gpu.amount=1 \
  --conf spark.executor.resource.gpu.vendor=nvidia.com \
  --conf spark.executor.resource.gpu.discoveryScript=/opt/cluda/getGpusResources.sh \
  --conf spark.task.resource.gpu.amount=1 \
  --conf spark.executor.memory=24g --conf spark.executor.cores=8 \
  --conf spark.executor.memoryOverhead="${MEMORY_OVERHEAD:-16g}" \
  --conf spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=3 \
  --conf spark.driver.extraJavaOptions="-Dai.djl.offline=true $log4j" \
  --conf spark.executor.extraJavaOptions="-Dai.djl.offline=true $log4j" \
  --conf spark.hadoop.fs.s3a.aws.credentials.provider=com.amazonaws.auth.WebIdentityTokenCredentialsProvider \
  local:///opt/cluda/cluda.jar \
  train --config /opt/cluda/conf/gta2cs.conf --out "$RUN" \
  --set distributed.ranks="$ranks" \
  --set data.source.root="$SOURCE_ROOT" \
  --set data.target.root="$TARGET_ROOT" \
  --set model.pretrained="$PRETRAINED"
