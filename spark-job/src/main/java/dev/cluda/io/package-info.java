/** Hadoop FileSystem storage (file:, hdfs:, s3a:), S3 settings from the environment and redaction of secrets. */
package dev.cluda.io;
