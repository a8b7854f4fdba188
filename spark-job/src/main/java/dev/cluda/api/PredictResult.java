package dev.cluda.api;

import java.util.List;

/**
 * What {@link CludaApi#predict} wrote.
 *
 * @param outDir the output folder
 * @param images images predicted
 * @param skippedImages unreadable images left out under {@code data.onBadSample = skip}
 * @param predictions the train-id PNGs (0..18, 8-bit gray, named like the images; what
 *     {@code cluda eval --pred} scores), sorted
 * @param overlays the overlays ({@code overlay/}: each image blended with the palette above a
 *     legend), sorted
 */
public record PredictResult(String outDir, long images, long skippedImages, List<String> predictions,
                            List<String> overlays) {

    public PredictResult {
        predictions = List.copyOf(predictions);
        overlays = List.copyOf(overlays);
    }
}
