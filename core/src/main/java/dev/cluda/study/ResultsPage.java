package dev.cluda.study;

import dev.cluda.data.CityscapesClass;
import dev.cluda.eval.EvalResult;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * The results page of a study: per group a table of mean ± sample standard deviation of the final
 * mIoU over the finished seeds (with each seed's value, the pseudo-label quality of teacher and
 * student where it was logged, and pending runs counted), the per-class IoU of the rows that ask
 * for it (and, where a row's baseline asks for it too, the per-class differences seed by seed), the
 * command of every row, and a bar chart of mean ± std per group with each seed's value.
 */
public final class ResultsPage {

    /** Mean and sample standard deviation (n − 1; NaN below two values) of {@code values}. */
    record Spread(int n, double mean, double std) {

        static Spread of(List<Double> values) {
            int n = values.size();
            double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
            return new Spread(n, mean, n > 1 ? Math.sqrt(ss / (n - 1)) : Double.NaN);
        }

        String format() {
            if (n == 0) {
                return "pending";
            }
            return n == 1 ? String.format(Locale.ROOT, "%.2f", mean)
                    : String.format(Locale.ROOT, "%.2f ± %.2f", mean, std);
        }
    }

    private final StudyPlan plan;
    private final String command;
    private final String out;

    /**
     * @param command the command line that produced (and reproduces) the study
     * @param out the study's folder (its runs lie in {@code <out>/<row>/seed<k>})
     */
    public ResultsPage(StudyPlan plan, String command, String out) {
        this.plan = plan;
        this.command = command;
        this.out = out;
    }

    /** Writes {@code markdown} and, beside it, the chart {@code chartName} (PNG). */
    public void write(List<StudyRun> runs, Path markdown, String chartName) throws IOException {
        Path parent = markdown.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path chart = parent.resolve(chartName);
        if (!ImageIO.write(chart(runs), "png", chart.toFile())) {
            throw new IOException("no PNG writer in this JVM to write " + chart);
        }
        Path tmp = parent.resolve("." + markdown.getFileName() + ".tmp");
        Files.writeString(tmp, markdown(runs, chartName), StandardCharsets.UTF_8);
        Files.move(tmp, markdown, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The page's Markdown. */
    String markdown(List<StudyRun> runs, String chartName) {
        Map<StudyPlan.Row, List<StudyRun>> byRow = byRow(runs);
        StringBuilder b = new StringBuilder();
        b.append("# ").append(plan.title()).append("\n\n");
        b.append("Written by `").append(command).append("` from the plan `").append(plan.file())
                .append("`; rerunning it trains only the runs still missing (finished runs are never rerun).\n");
        b.append("Each value is the student's mIoU (%, 19 classes) on the target evaluation split after the run's"
                + " last iteration; rows give the mean ± sample standard deviation over the seeds finished so far ("
                + "seeds: ").append(plan.seeds()).append(").\n");
        b.append("Against its baseline: the row's mIoU minus that of the row it is compared with, seed by seed (one"
                + " seed gives both the same data order and initial weights), as the mean ± std of the differences"
                + " over the seeds both finished.\n");
        b.append("Pseudo-label quality is the mIoU of the EMA teacher and of the student on target-train images at"
                + " the last evaluation (`eval.pseudoLabelImages`), where the run measured it.\n\n");
        b.append("![mean ± std per row](").append(chartName).append(")\n");
        Map<String, List<StudyPlan.Row>> groups = new LinkedHashMap<>();
        for (StudyPlan.Row row : byRow.keySet()) {
            groups.computeIfAbsent(row.group(), g -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<String, List<StudyPlan.Row>> group : groups.entrySet()) {
            b.append("\n## ").append(group.getKey()).append("\n\n");
            b.append("| row | what it tests | seeds done | mIoU | per seed | against its baseline, seed by seed |"
                    + " pseudo-labels: teacher / student |\n");
            b.append("|---|---|---|---|---|---|---|\n");
            for (StudyPlan.Row row : group.getValue()) {
                List<StudyRun> done = byRow.get(row).stream().filter(StudyRun::finished).toList();
                Spread s = Spread.of(done.stream().map(r -> r.eval().mIoU()).toList());
                String perSeed = done.stream().map(r -> String.format(Locale.ROOT, "%.2f", r.eval().mIoU()))
                        .collect(Collectors.joining(", "));
                List<StudyRun> measured = done.stream().filter(r -> !Double.isNaN(r.teacherPseudoLabels())).toList();
                String pl = measured.isEmpty() ? "—" : Spread.of(measured.stream().map(StudyRun::teacherPseudoLabels)
                        .toList()).format() + " / " + Spread.of(measured.stream().map(StudyRun::studentPseudoLabels)
                        .toList()).format();
                b.append("| ").append(row.name()).append(" | ").append(row.about()).append(" | ").append(done.size())
                        .append(" of ").append(plan.seeds().size()).append(" | ").append(s.format()).append(" | ")
                        .append(perSeed).append(" | ").append(paired(row, runs)).append(" | ").append(pl).append(" |\n");
            }
        }
        List<StudyPlan.Row> perClass = byRow.keySet().stream().filter(StudyPlan.Row::perClass).toList();
        if (!perClass.isEmpty()) {
            b.append("\n## Per-class IoU (mean over the finished seeds)\n\n| class |");
            perClass.forEach(r -> b.append(' ').append(r.name()).append(" |"));
            b.append("\n|---|").append("---|".repeat(perClass.size())).append('\n');
            for (CityscapesClass c : CityscapesClass.values()) {
                b.append("| ").append(c.displayName()).append(" |");
                for (StudyPlan.Row row : perClass) {
                    List<Double> v = byRow.get(row).stream().filter(StudyRun::finished)
                            .map(r -> r.eval().classIou()[c.trainId()]).filter(x -> !Double.isNaN(x)).toList();
                    b.append(' ').append(v.isEmpty() ? "—" : String.format(Locale.ROOT, "%.1f", Spread.of(v).mean()))
                            .append(" |");
                }
                b.append('\n');
            }
        }
        List<StudyPlan.Row> pairedPerClass = perClass.stream()
                .filter(r -> perClass.stream().anyMatch(o -> o.name().equals(r.baseline()))).toList();
        if (!pairedPerClass.isEmpty()) {
            // where a row's mIoU difference comes from: its per-class IoU minus its baseline's, seed by seed
            b.append("\n## Per-class IoU against the baseline (mean ± std of the seed-by-seed differences)\n\n");
            b.append("| class |");
            pairedPerClass.forEach(r -> b.append(' ').append(r.name()).append(" − ").append(r.baseline())
                    .append(" |"));
            b.append("\n|---|").append("---|".repeat(pairedPerClass.size())).append('\n');
            for (CityscapesClass c : CityscapesClass.values()) {
                b.append("| ").append(c.displayName()).append(" |");
                for (StudyPlan.Row row : pairedPerClass) {
                    List<Double> d = differences(row, runs, e -> e.classIou()[c.trainId()]);
                    b.append(' ').append(d.isEmpty() ? "—" : signed(Spread.of(d), "%+.1f", "%+.1f ± %.1f"))
                            .append(" |");
                }
                b.append('\n');
            }
        }
        b.append("\n## Commands\n\nSeed `k` of each row (the study passes `--set train.seed=k`):\n\n");
        for (StudyPlan.Row row : byRow.keySet()) {
            b.append("- ").append(row.name()).append(": `")
                    .append(row.command("k", out, out + "/" + row.name() + "/seedk")).append("`\n");
        }
        return b.toString();
    }

    /**
     * The row's mIoU minus its baseline's over the seeds both finished, as mean ± std of the per-seed
     * differences (the same seed shares the data order and the initial weights, so the differences
     * vary less than the rows do), e.g. {@code "+0.41 ± 1.43 vs daformer (3 seeds)"}; "—" without one.
     */
    static String paired(StudyPlan.Row row, List<StudyRun> runs) {
        if (row.baseline().isEmpty()) {
            return "—";
        }
        List<Double> differences = differences(row, runs, EvalResult::mIoU);
        if (differences.isEmpty()) {
            return "pending vs " + row.baseline();
        }
        return signed(Spread.of(differences), "%+.2f", "%+.2f ± %.2f") + " vs " + row.baseline() + " ("
                + differences.size() + (differences.size() == 1 ? " seed)" : " seeds)");
    }

    /**
     * {@code metric} of the row's finished runs minus that of its baseline's run of the same seed, over
     * the seeds both finished where both values are numbers (a class absent from the evaluation
     * split has a NaN IoU); empty without a baseline.
     */
    static List<Double> differences(StudyPlan.Row row, List<StudyRun> runs, ToDoubleFunction<EvalResult> metric) {
        Map<Integer, Double> base = new HashMap<>();
        for (StudyRun r : runs) {
            if (!row.baseline().isEmpty() && r.row().name().equals(row.baseline()) && r.finished()) {
                base.put(r.seed(), metric.applyAsDouble(r.eval()));
            }
        }
        return runs.stream()
                .filter(r -> r.row().equals(row) && r.finished() && base.containsKey(r.seed()))
                .map(r -> metric.applyAsDouble(r.eval()) - base.get(r.seed()))
                .filter(d -> !Double.isNaN(d)).toList();
    }

    private static String signed(Spread s, String one, String many) {
        return s.n() == 1 ? String.format(Locale.ROOT, one, s.mean())
                : String.format(Locale.ROOT, many, s.mean(), s.std());
    }

    /** The chart: one panel per group, stacked, so each group's rows are read side by side. */
    private BufferedImage chart(List<StudyRun> runs) {
        List<BufferedImage> images = panels(runs).stream().map(BitmapEncoder::getBufferedImage).toList();
        int width = images.stream().mapToInt(BufferedImage::getWidth).max().orElse(1);
        int height = images.stream().mapToInt(BufferedImage::getHeight).sum();
        BufferedImage out = new BufferedImage(width, Math.max(1, height), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, Math.max(1, height));
            int y = 0;
            for (BufferedImage image : images) {
                g.drawImage(image, 0, y, null);
                y += image.getHeight();
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Per group a bar chart of the rows' mean ± std, with each seed's value as a dot on its bar (the
     * spread of two or three seeds is better read from the seeds than from an error bar alone).
     */
    List<CategoryChart> panels(List<StudyRun> runs) {
        Map<String, Map<StudyPlan.Row, List<StudyRun>>> groups = new LinkedHashMap<>();
        byRow(runs).forEach((row, list) -> groups.computeIfAbsent(row.group(), g -> new LinkedHashMap<>())
                .put(row, list.stream().filter(StudyRun::finished).toList()));
        // one width for every panel, so the stacked image is a tidy column
        int width = Math.max(720, 150 * groups.values().stream().mapToInt(Map::size).max().orElse(0));
        List<CategoryChart> panels = new ArrayList<>();
        groups.forEach((group, rows) -> {
            List<String> names = new ArrayList<>();
            List<Double> means = new ArrayList<>();
            List<Double> errors = new ArrayList<>();
            rows.forEach((row, done) -> {
                Spread s = Spread.of(done.stream().map(r -> r.eval().mIoU()).toList());
                if (s.n() > 0) {
                    names.add(row.name());
                    means.add(s.mean());
                    errors.add(Double.isNaN(s.std()) ? 0.0 : s.std());
                }
            });
            if (names.isEmpty()) {
                return;
            }
            CategoryChart chart = new CategoryChartBuilder().width(width).height(340)
                    .title(group + ": mIoU per row, mean ± std over seeds (dots: each seed)")
                    .yAxisTitle("target mIoU (%)").build();
            chart.getStyler().setOverlapped(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            chart.getStyler().setXAxisLabelRotation(names.size() > 5 ? 20 : 0);
            chart.getStyler().setMarkerSize(8);
            // light bars, dark dots: the seeds stay visible on top of the mean
            chart.getStyler().setSeriesColors(new Color[] {new Color(0x9E, 0xC9, 0xE2), new Color(0xD9, 0x5F, 0x02),
                new Color(0x75, 0x70, 0xB3), new Color(0x1B, 0x9E, 0x77), new Color(0xE7, 0x29, 0x8A)});
            chart.getStyler().setChartBackgroundColor(Color.WHITE);
            // differences of a point or two must stay visible: the axis starts below the lowest seed, not at 0
            double lowest = rows.values().stream().flatMap(List::stream).mapToDouble(r -> r.eval().mIoU())
                    .min().orElse(0);
            chart.getStyler().setYAxisMin(Math.max(0, Math.floor((lowest - 3) / 5) * 5));
            chart.addSeries("mean ± std", names, means, errors);
            for (int seed : plan.seeds()) {
                List<Double> values = new ArrayList<>();
                for (StudyPlan.Row row : rows.keySet()) {
                    if (names.contains(row.name())) {
                        values.add(rows.get(row).stream().filter(r -> r.seed() == seed)
                                .map(r -> r.eval().mIoU()).findFirst().orElse(null));
                    }
                }
                if (values.stream().anyMatch(v -> v != null)) {
                    chart.addSeries("seed " + seed, names, values)
                            .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
                }
            }
            panels.add(chart);
        });
        if (panels.isEmpty()) {
            CategoryChart empty = new CategoryChartBuilder().width(640).height(340).title("no finished run yet").build();
            empty.addSeries("mIoU", List.of("(no finished run yet)"), List.of(0.0));
            panels.add(empty);
        }
        return panels;
    }

    private static Map<StudyPlan.Row, List<StudyRun>> byRow(List<StudyRun> runs) {
        Map<StudyPlan.Row, List<StudyRun>> byRow = new LinkedHashMap<>();
        for (StudyRun r : runs) {
            byRow.computeIfAbsent(r.row(), k -> new ArrayList<>()).add(r);
        }
        return byRow;
    }
}
