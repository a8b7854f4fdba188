/**
 * The built-in synthetic domain-shift benchmark ({@code cluda synth}, ARCHITECTURE "Embedded
 * default"): procedurally generated street scenes labelled with Cityscapes train ids
 * ({@link dev.cluda.synth.SyntheticScenes}), rendered flat for the source and textured, noisy and
 * differently lit for the target ({@link dev.cluda.synth.SceneRenderer}), and written in the GTA5
 * and Cityscapes on-disk layouts ({@link dev.cluda.synth.SyntheticBenchmarkWriter}) so that
 * training reads them with the real dataset readers.
 */
package dev.cluda.synth;
