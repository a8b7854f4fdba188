/**
 * The CLUDA segmentation network in DJL (reference §6.1, §6.2, §6.3): the MiT-B0…B5 encoder
 * ({@link dev.cluda.model.MixTransformer}), the DAFormer decoder ({@link dev.cluda.model.DaformerHead}),
 * both joined in {@link dev.cluda.model.SegmentationModel} as described by a
 * {@link dev.cluda.model.ModelSpec}, optionally with HRDA's scale-attention and CLUDA's feature-weight heads;
 * HRDA's multi-resolution fusion ({@link dev.cluda.model.HrdaFusion}, {@link dev.cluda.model.DetailBox}),
 * sliding-window and whole-input inference ({@link dev.cluda.model.SlidingWindow},
 * {@link dev.cluda.model.HrdaInference}); torch-exact resizing ({@link dev.cluda.model.Bilinear}); ImageNet
 * weight import ({@link dev.cluda.model.PretrainedWeights}); parameter counts and copies
 * ({@link dev.cluda.model.ModelParameters}). Arrays live in the caller's managers; randomness comes from
 * seeds given to the builders.
 */
package dev.cluda.model;
