package dev.cluda.rundir;

import dev.cluda.data.CityscapesClass;
import dev.cluda.data.ClassSubset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The per-class IoU the CLUDA paper reports (its Table 1) for the two real benchmarks, GTA5 →
 * Cityscapes and SYNTHIA → Cityscapes, shown in {@code report.html} beside a run's own numbers.
 * The values and their source live in {@code paper-per-class.csv} beside this class; there are
 * none for the synthetic benchmark.
 */
public final class PaperResults {

    /** Where the numbers come from, as the report cites it. */
    public static final String SOURCE = "CLUDA paper (Contrastive Learning in Unsupervised Domain Adaptation for"
            + " Semantic Segmentation), Table 1; the DAFormer and HRDA rows as that table quotes them";

    private static final String RESOURCE = "paper-per-class.csv";
    private static final List<Row> ROWS = load();

    /**
     * One method's row of the table.
     *
     * @param benchmark the source dataset, {@code gta5} or {@code synthia} (the target is Cityscapes)
     * @param method the paper's name of the method ({@code HRDA + CLUDA})
     * @param classIou IoU in percent per train id, NaN for a class the benchmark does not score
     * @param mIoU the paper's mIoU: over {@link #classes()} of the benchmark
     */
    public record Row(String benchmark, String method, double[] classIou, double mIoU) {

        public Row {
            classIou = classIou.clone();
        }

        @Override
        public double[] classIou() {
            return classIou.clone();
        }

        /** The classes the paper's mIoU averages: 19 for GTA5, SYNTHIA's 16. */
        public ClassSubset classes() {
            return benchmark.equals("synthia") ? ClassSubset.SYNTHIA_16 : ClassSubset.CITYSCAPES_19;
        }
    }

    private PaperResults() {
    }

    /** Every row, GTA5 first, in the paper's order. */
    public static List<Row> all() {
        return ROWS;
    }

    /**
     * The rows to show beside a run: the baseline and its CLUDA version of the run's architecture
     * (HRDA for a multi-resolution run, DAFormer otherwise), for a run from {@code gta5} or
     * {@code synthia} to {@code cityscapes}; empty for any other pair, the synthetic benchmark
     * included.
     *
     * @param source {@code data.source.type}
     * @param target {@code data.target.type}
     */
    public static List<Row> forRun(String source, String target, boolean multiResolution) {
        if (!target.equals("cityscapes") || !(source.equals("gta5") || source.equals("synthia"))) {
            return List.of();
        }
        String base = multiResolution ? "HRDA" : "DAFormer";
        return ROWS.stream().filter(r -> r.benchmark().equals(source)
                && (r.method().equals(base) || r.method().equals(base + " + CLUDA"))).toList();
    }

    private static List<Row> load() {
        try (InputStream in = PaperResults.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing beside " + PaperResults.class.getName()
                        + "; rebuild the jar");
            }
            List<Row> rows = new ArrayList<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean header = true;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                if (cells.length != CityscapesClass.COUNT + 3) {
                    throw new IllegalStateException(RESOURCE + ": expected " + (CityscapesClass.COUNT + 3)
                            + " columns, got " + cells.length + " in: " + line);
                }
                if (header) {
                    for (CityscapesClass c : CityscapesClass.values()) {
                        if (!cells[2 + c.trainId()].equals(c.displayName())) {
                            throw new IllegalStateException(RESOURCE + ": column " + (2 + c.trainId()) + " must be "
                                    + c.displayName() + ", got " + cells[2 + c.trainId()]);
                        }
                    }
                    header = false;
                    continue;
                }
                double[] iou = new double[CityscapesClass.COUNT];
                for (int c = 0; c < iou.length; c++) {
                    iou[c] = cells[2 + c].equals("-") ? Double.NaN : Double.parseDouble(cells[2 + c]);
                }
                rows.add(new Row(cells[0].toLowerCase(Locale.ROOT), cells[1], iou,
                        Double.parseDouble(cells[cells.length - 1])));
            }
            return List.copyOf(rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
