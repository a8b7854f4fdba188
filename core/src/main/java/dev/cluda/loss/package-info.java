/**
 * The three CLUDA losses on DJL NDArrays, device-agnostic and differentiable: the weighted pixel
 * cross-entropy (reference §2.6), the supervised pixel contrast in its single-resolution (§5.3)
 * and multi-resolution (§5.4) forms with stuff/thing separation and confidence weights (§5.5,
 * §5.6, §13) and the ImageNet feature distance on thing cells (§4).
 */
package dev.cluda.loss;
