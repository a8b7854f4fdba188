package dev.cluda.uda;

import dev.cluda.model.HrdaFusion;
import dev.cluda.transform.MultiResolutionCrop;

/**
 * How a multi-resolution (HRDA) student trains in the CLUDA step (reference §6.3, §5.7).
 *
 * @param crop LR scale, detail-crop size and divisor
 * @param order where (1 − a) is applied (§6.3)
 * @param fusedWeight weight of CE(fused); hrWeight of CE(HR on its crop); lrWeight of CE(LR)
 * @param inferenceWindow HR sliding window of the teacher's pseudo-labels (§6.3), in pixels
 * @param inferenceStride its stride
 * @param entropyCrop the detail crop of mixed images by entropy (§5.7), or null for random crops
 * @param entropyCropStart entropy crops from iterations after this one
 * @param featureWeightHead whether the learned per-pixel weight of §5.4 comes from the student's head
 *     (else a constant 0.5)
 */
public record MultiResolutionStudent(MultiResolutionCrop crop, HrdaFusion.Order order, double fusedWeight, double hrWeight,
                double lrWeight, int inferenceWindow, int inferenceStride, EntropyCrop entropyCrop,
                long entropyCropStart, boolean featureWeightHead) {
}
