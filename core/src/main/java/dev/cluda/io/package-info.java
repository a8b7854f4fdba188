/** File systems behind one small interface (local here, any Hadoop FileSystem in spark-job) and the output-directory guard. */
package dev.cluda.io;
