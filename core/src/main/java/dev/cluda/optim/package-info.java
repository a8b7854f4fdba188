/**
 * Optimisation of the DAFormer/HRDA/CLUDA recipe (reference §7): the poly learning-rate schedule
 * with linear warm-up, mmcv-style parameter groups (decoder lr ×10, no decay on norms) and an
 * AdamW with per-parameter learning-rate multiplier and weight decay, whose state is checkpointed.
 */
package dev.cluda.optim;
