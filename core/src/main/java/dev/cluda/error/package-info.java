/**
 * The error types every layer may throw for a mistake the user can fix; the lowest layer, so it
 * imports nothing of the project, Spark or Hadoop.
 */
package dev.cluda.error;
