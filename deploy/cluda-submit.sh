#!/usr/bin/env bash
# spark-submit wrapper for a cluster: ships the shaded cluda jar and sets what every cluda JVM
# needs (Java 17 module opens, DJL offline, one GPU per executor and per task, the log4j
# configuration with dated lines on the driver and, shipped with --files, on every executor).
#
#   deploy/cluda-submit.sh [spark-submit options] -- <cluda command and options>
#   deploy/cluda-submit.sh --master yarn --conf spark.executor.memory=24g -- \
#       train --config conf/synthetic.conf --out s3a://bucket/runs/r1
#
# Without "--" every argument goes to cluda. Spark options come after the wrapper's own, so a
# --conf given here overrides the wrapper's value. Default master: local[*].
# Build the jar first:  mvn -Pcluster -DskipTests package   (spark-job/target/cluda-spark-job-*-cluster.jar)
# Environment: SPARK_HOME (a Spark 3.5 distribution, Scala 2.12); CLUDA_GPUS_PER_EXECUTOR (default 1;
# 0 runs on CPU executors); CLUDA_EXECUTORS (default 2); on YARN, PYTORCH_LIBRARY_PATH and
# DJL_CACHE_DIR are passed on to the executors when set.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: cluda-submit.sh [spark-submit options] -- <cluda command and options>"

# A glob, not ls in a pipeline: under pipefail a failing ls would end the script before the hint.
jar=""
for candidate in "$here"/spark-job/target/cluda-spark-job-*-cluster.jar; do
  if [[ -f "$candidate" ]]; then jar="$candidate"; break; fi
done
if [[ -z "$jar" ]]; then
  echo "cluda-submit.sh: no cluster jar in $here/spark-job/target; build it first with: mvn -Pcluster -DskipTests package" >&2
  exit 2
fi

spark_opts=()
cluda_args=("$@")
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--" ]]; then
    spark_opts=("${@:1:i-1}")
    cluda_args=("${@:i+1}")
    break
  fi
done
if [[ ${#spark_opts[@]} -eq 0 && "${1:-}" == -* && "${1:-}" != "--" ]]; then
  # cluda commands start with a name, so a leading option means a missing "--".
  echo "cluda-submit.sh: put spark-submit options before \"--\" and the cluda command after it" >&2
  echo "$usage" >&2
  exit 2
fi

master=""
for ((i = 0; i < ${#spark_opts[@]}; i++)); do
  case "${spark_opts[i]}" in
    --master) master="${spark_opts[i + 1]:-}" ;;
    --master=*) master="${spark_opts[i]#--master=}" ;;
  esac
done
master_opt=()
if [[ -z "$master" ]]; then master="local[*]"; master_opt=(--master "$master"); fi

opens="-XX:+IgnoreUnrecognizedVMOptions --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1"
gpus="${CLUDA_GPUS_PER_EXECUTOR:-1}"
discovery="$here/deploy/getGpusResources.sh"
log4j="$here/conf/log4j2.properties"
# --files lands in each executor's working directory, where the executors' option below finds it
files="$log4j"
yarn_conf=()
if [[ "$master" == yarn* ]]; then
  # YARN containers do not see this machine's files: ship the script into each container's working
  # directory and name it from there (with ./ because Spark runs it without a PATH lookup).
  files="$files,$discovery"
  discovery="./$(basename "$discovery")"
  if [[ -n "${PYTORCH_LIBRARY_PATH:-}" ]]; then
    yarn_conf+=(--conf "spark.executorEnv.PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH")
  fi
  if [[ -n "${DJL_CACHE_DIR:-}" ]]; then
    yarn_conf+=(--conf "spark.executorEnv.DJL_CACHE_DIR=$DJL_CACHE_DIR")
  fi
fi
gpu_conf=()
if [[ "$gpus" != "0" ]]; then
  gpu_conf=(
    --conf spark.executor.resource.gpu.amount="$gpus"
    --conf spark.task.resource.gpu.amount=1
    --conf spark.executor.resource.gpu.discoveryScript="$discovery"
    --conf spark.executorEnv.PYTORCH_FLAVOR=cu128
    --conf spark.executorEnv.PYTORCH_VERSION=2.7.1
  )
fi
exec "${SPARK_HOME:?set SPARK_HOME to a Spark 3.5 (Scala 2.12) distribution}/bin/spark-submit" \
  ${master_opt[@]+"${master_opt[@]}"} \
  --class dev.cluda.cli.Cluda \
  --num-executors "${CLUDA_EXECUTORS:-2}" \
  --files "$files" \
  --conf spark.driver.extraJavaOptions="$opens -Dlog4j2.configurationFile=$log4j" \
  --conf spark.executor.extraJavaOptions="$opens -Dlog4j2.configurationFile=log4j2.properties" \
  --conf spark.executorEnv.OMP_WAIT_POLICY=PASSIVE \
  --conf spark.executorEnv.MALLOC_MMAP_THRESHOLD_=33554432 \
  --conf spark.executorEnv.MALLOC_TRIM_THRESHOLD_=268435456 \
  --conf spark.executorEnv.MALLOC_TOP_PAD_=67108864 \
  --conf spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures=3 \
  ${yarn_conf[@]+"${yarn_conf[@]}"} \
  ${gpu_conf[@]+"${gpu_conf[@]}"} \
  ${spark_opts[@]+"${spark_opts[@]}"} \
  "$jar" ${cluda_args[@]+"${cluda_args[@]}"}
