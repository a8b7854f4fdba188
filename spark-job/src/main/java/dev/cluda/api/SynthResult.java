package dev.cluda.api;

/**
 * What {@link CludaApi#synth} did.
 *
 * @param root the benchmark folder ({@code gta5/} source, {@code cityscapes/} target)
 * @param generated whether it was written now; false if the folder already held this benchmark
 * @param images its images: source, target train and target val together
 * @param seconds the time the writing took (0 if nothing was written)
 */
public record SynthResult(String root, boolean generated, int images, double seconds) {
}
