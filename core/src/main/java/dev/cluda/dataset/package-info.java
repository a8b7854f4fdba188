/**
 * Datasets of a run as configured: the synthetic benchmark generated on demand
 * ({@link dev.cluda.dataset.SyntheticDatasets}).
 */
package dev.cluda.dataset;
