package dev.cluda.jobs;

import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import dev.cluda.io.LocalFileStore;
import dev.cluda.synth.SynthSpec;
import dev.cluda.synth.SyntheticBenchmarkWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The shared pieces of the Spark job tests: one local session per test class and tiny datasets. */
public final class TestSpark {

    private TestSpark() {
    }

    /** A {@code local[2]} session without UI; the test class stops it in its {@code @AfterAll}. */
    public static SparkSession start() {
        return SparkSession.builder().master("local[2]").appName("cluda-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    /** A tiny synthetic benchmark: {@code source} GTA5-layout images of 64x32 below {@code dir/gta5}. */
    public static SynthSpec writeBenchmark(Path dir, int source) throws IOException {
        SynthSpec spec = new SynthSpec(3, source, 2, 2, 64, 32, 1.0);
        SyntheticBenchmarkWriter.write(spec, new LocalFileStore(), dir.toString());
        return spec;
    }

    /** Writes {@code labels} as an 8-bit gray PNG (a valid GTA5 label file format). */
    public static void writeGrayLabel(Path file, LabelMap labels) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            PngCodec.writeGray8(labels, out);
        }
    }

    /** A label map of one raw value. */
    public static LabelMap uniform(int width, int height, int value) {
        byte[] ids = new byte[width * height];
        java.util.Arrays.fill(ids, (byte) value);
        return new LabelMap(width, height, ids);
    }
}
