/**
 * Evaluation of semantic segmentation (reference §9): a {@link dev.cluda.eval.ConfusionMatrix}
 * that adds across images, shards and ranks, the {@link dev.cluda.eval.EvalResult} reported in
 * a run directory's {@code eval.json} ({@link dev.cluda.eval.EvalJson}), a terminal table
 * ({@link dev.cluda.eval.ClassTable}), offline scoring of a folder of predicted train-id PNGs
 * ({@link dev.cluda.eval.PredictionScorer}) and predictions drawn over their images with a legend
 * ({@link dev.cluda.eval.PredictionOverlay}).
 *
 * <p>Intersection and union are summed over the whole evaluation set per class before dividing,
 * never averaged per image, so a distributed evaluation sums matrices and divides once.
 */
package dev.cluda.eval;
