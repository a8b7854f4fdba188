/**
 * Dataset values and readers: RGB images, label maps, the Cityscapes classes and the readers of
 * GTA5, SYNTHIA and Cityscapes, which pair image and label files, check them and map raw label
 * ids to the 19 Cityscapes train ids (reference §8.1, §8.2), and the reader of loose unlabelled
 * PNG and JPEG files that {@code cluda predict} segments ({@link dev.cluda.data.ImageFileReader}).
 * Bad files surface as {@link dev.cluda.data.BadSampleException}s naming the file, and a
 * {@link dev.cluda.data.BadSamplePolicy} applied by a {@link dev.cluda.data.SampleLoader}
 * decides whether they stop the run or are skipped and reported.
 */
package dev.cluda.data;
