/**
 * Unsupervised domain adaptation by self-training with pixel contrast: the CLUDA iteration
 * ({@link dev.cluda.uda.CludaStep}, reference §1, one method in phases, with MIC's masked pass as an
 * optional last phase) and its building blocks: the student's pass at one resolution or as HRDA's
 * LR context + HR detail ({@code StudentPass}, §6.3, entropy-placed detail crops §5.7), the EMA
 * teacher (§2.1), pseudo-labels with their per-image confidence weight and ignored margins (§2.2,
 * §2.3, §13), online or stored ({@link dev.cluda.uda.PseudoLabelSource}), rare-class sampling of
 * source images and its statistics (§3).
 */
package dev.cluda.uda;
