package dev.cluda.api;

import dev.cluda.rundir.RunReport;
import java.util.List;

/**
 * A run's {@code report.html} for a notebook ({@link CludaApi#report}): the page and its pictures.
 *
 * @param runDir the run directory
 * @param html the page as written: self-contained, its pictures inlined as base64 {@code data:} URIs
 * @param images the pictures in page order: the curves (loss terms, target mIoU, learning rate,
 *     pseudo-label confidence, seconds per iteration), then each sample row's image, ground truth,
 *     prediction, overlay and error map
 */
public record Report(String runDir, String html, List<RunReport.InlineImage> images) {

    public Report {
        images = List.copyOf(images);
    }

    /**
     * The page inside an {@code <iframe srcdoc>}, for output as HTML in a notebook (Zeppelin:
     * {@code println("%html " + report.iframe(900))}): the frame keeps the page's styles from
     * restyling the notebook around it.
     *
     * @param heightPx the frame's height in pixels (the page scrolls inside it)
     * @throws IllegalArgumentException if {@code heightPx} is not positive
     */
    public String iframe(int heightPx) {
        if (heightPx <= 0) {
            throw new IllegalArgumentException("the frame's height must be positive, got " + heightPx);
        }
        String srcdoc = html.replace("&", "&amp;").replace("\"", "&quot;");
        return "<iframe title=\"cluda run report\" style=\"width:100%;height:" + heightPx + "px;border:0\" srcdoc=\""
                + srcdoc + "\"></iframe>";
    }
}
