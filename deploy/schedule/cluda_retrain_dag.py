"""Airflow DAG: one cluda retraining round per day on that day's camera data.

cluda retrain is idempotent (a finished round is not rerun, a crashed one resumes), so Airflow's
retries and backfills are safe. Exit code 3 (transient I/O) is worth a retry; exit code 2 (bad input)
is not, so retries are few and spaced. Needs apache-airflow-providers-apache-spark and a Spark
connection ("spark_cluda") whose master is the cluster (yarn, k8s://...).
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

JAVA_OPTS = " ".join([
    "-XX:+IgnoreUnrecognizedVMOptions",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
    "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
    "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
    "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
    "-Djdk.reflect.useDirectMethodHandle=false",
    "-Dai.djl.offline=true",
    "-Dai.djl.pytorch.num_interop_threads=1",
])

with DAG(
    dag_id="cluda_retrain",
    start_date=datetime(2026, 12, 1),
    schedule="30 2 * * *",
    catchup=False,
    max_active_runs=1,  # rounds are sequential: each starts from the model the previous one promoted
    default_args={"retries": 2, "retry_delay": timedelta(minutes=30)},
) as dag:
    SparkSubmitOperator(
        task_id="retrain_round",
        conn_id="spark_cluda",
        application="/opt/cluda/cluda.jar",
        java_class="dev.cluda.cli.Cluda",
        application_args=[
            "retrain",
            "--from", "s3a://bucket/runs/gta2cs-cluda",
            "--target", "s3a://bucket/camera/{{ ds }}",
            "--out", "s3a://bucket/retraining",
        ],
        files="/opt/cluda/conf/log4j2.properties",
        conf={
            "spark.driver.extraJavaOptions": JAVA_OPTS + " -Dlog4j2.configurationFile=/opt/cluda/conf/log4j2.properties",
            "spark.executor.extraJavaOptions": JAVA_OPTS + " -Dlog4j2.configurationFile=log4j2.properties",
            "spark.executor.resource.gpu.amount": "1",
            "spark.task.resource.gpu.amount": "1",
            "spark.executor.resource.gpu.discoveryScript": "/opt/cluda/getGpusResources.sh",
            "spark.executorEnv.OMP_WAIT_POLICY": "PASSIVE",
            "spark.executorEnv.MALLOC_MMAP_THRESHOLD_": "33554432",
            "spark.executorEnv.MALLOC_TRIM_THRESHOLD_": "268435456",
            "spark.executorEnv.MALLOC_TOP_PAD_": "67108864",
            "spark.hadoop.fs.s3a.aws.credentials.provider":
                "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
        },
    )
