/**
 * Data transforms of the training pipeline (reference §8.3: resize, random crop, flip, normalise,
 * pad) and the UDA augmentations of the mixed images (§2.4 ClassMix, §2.5 colour jitter and
 * Gaussian blur). Everything works on plain Java arrays; randomness is always injected as a
 * {@link java.util.random.RandomGenerator}.
 */
package dev.cluda.transform;
