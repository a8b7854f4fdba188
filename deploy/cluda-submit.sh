#!/usr/bin/env bash
# spark-submit wrapper for a cluster: ships the shaded cluda jar and sets what every cluda JVM
# needs (Java 17 module opens, DJL offline, one GPU per executor and per task).
#
#   deploy/cluda-submit.sh --master yarn train --config conf/synthetic.conf --out s3a://bucket/runs/r1
#
# Build the jar first:  mvn -Pcluster -DskipTests package   (spark-job/target/cluda-spark-job-*-cluster.jar)
# Environment: SPARK_HOME (a Spark 3.5 distribution, Scala 2.12); CLUDA_GPUS_PER_EXECUTOR (default 1;
# 0 runs on CPU executors); CLUDA_EXECUTORS (default 2).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar=$(ls "$here"/spark-job/target/cluda-spark-job-*-cluster.jar 2>/dev/null | head -1)
[[ -n "$jar" ]] || { echo "build the cluster jar first: mvn -Pcluster -DskipTests package" >&2; exit 2; }
master="local[*]"
if [[ "${1:-}" == "--master" ]]; then master="$2"; shift 2; fi
opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1"
gpus="${CLUDA_GPUS_PER_EXECUTOR:-1}"
gpu_conf=()
if [[ "$gpus" != "0" ]]; then
  gpu_conf=(
    --conf spark.executor.resource.gpu.amount="$gpus"
    --conf spark.task.resource.gpu.amount=1
    --conf spark.executor.resource.gpu.discoveryScript="$here/deploy/getGpusResources.sh"
    --conf spark.executorEnv.PYTORCH_FLAVOR=cu128
    --conf spark.executorEnv.PYTORCH_VERSION=2.7.1
  )
fi
exec "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution}/bin/spark-submit" \
  --master "$master" \
  --class dev.cluda.cli.Cluda \
  --num-executors "${CLUDA_EXECUTORS:-2}" \
  --conf spark.driver.extraJavaOptions="$opens" \
  --conf spark.executor.extraJavaOptions="$opens" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  --conf spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=3 \
  "${gpu_conf[@]}" \
  "$jar" "$@"
