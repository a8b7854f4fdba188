package dev.cluda.jobs;

import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.CityscapesClass;
import dev.cluda.data.DatasetKind;
import dev.cluda.io.FileStore;
import dev.cluda.io.HadoopFileStore;
import dev.cluda.train.UdaDataSampler;
import dev.cluda.uda.ClassStatistics;
import dev.cluda.uda.ClassStatisticsFiles;
import dev.cluda.uda.ImageClassCounts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Rare-class sampling statistics of a dataset as a Spark job (reference §3; {@code cluda stats}):
 * per-image pixel counts of train ids 0..18 at the original label resolution are computed in the
 * tasks that validate the {@link SampleTable}, collected in id order (the order of the reader's
 * scan) and summarised by {@link ClassStatistics} on the driver: class frequencies, P(c) with
 * temperature T and the images with more than {@code minPixels} of each class. Each image is
 * keyed by {@link UdaDataSampler#rcsKey}, so training finds its samples in the written files.
 */
public final class ClassStatisticsJob {

    /**
     * Column of the statistics key ({@link UdaDataSampler#rcsKey}, the label path) in
     * {@value ClassStatisticsFiles#COUNTS_TABLE}.
     */
    public static final String FILE = "file";
    /**
     * Schema of {@value ClassStatisticsFiles#COUNTS_TABLE}: id, file and one count column per
     * train id, named like {@code traffic_light}.
     */
    public static final StructType COUNTS_SCHEMA = countsSchema();

    /**
     * The statistics of one dataset.
     *
     * @param table the validated samples
     * @param ids the sample id of each entry of {@code statistics.images()}, same order
     * @param statistics the per-image counts and what follows from them
     */
    public record Result(SampleTable table, List<String> ids, ClassStatistics statistics) {

        public Result {
            ids = List.copyOf(ids);
            if (ids.size() != statistics.images().size()) {
                throw new IllegalArgumentException(ids.size() + " ids for " + statistics.images().size() + " images");
            }
        }

        /** Images that contribute to the statistics. */
        public int images() {
            return ids.size();
        }
    }

    private final SparkSession spark;

    public ClassStatisticsJob(SparkSession spark) {
        this.spark = Objects.requireNonNull(spark, "spark");
    }

    /**
     * Lists and validates the dataset ({@link SampleTable#build}) and computes its statistics.
     *
     * @throws SampleTable.BadSamplesException under {@code fail}, if a sample is bad
     * @throws IllegalArgumentException if no usable sample has a labelled pixel
     */
    public Result compute(DatasetKind kind, String root, String split, BadSamplePolicy policy) throws IOException {
        return compute(SampleTable.build(spark, kind, root, split, policy));
    }

    /** The statistics of the usable, labelled samples of {@code table}, in id order. */
    public Result compute(SampleTable table) {
        List<String> ids = new ArrayList<>();
        List<ImageClassCounts> counts = new ArrayList<>();
        for (Row r : table.usableRows()) {
            long[] perClass = (long[]) r.get(SampleTable.CLASS_COUNTS_FIELD);
            if (perClass != null) {
                ids.add(r.getString(0));
                counts.add(new ImageClassCounts(UdaDataSampler.rcsKey(SampleTable.ref(r)), perClass));
            }
        }
        return new Result(table, ids, ClassStatistics.of(counts));
    }

    /**
     * Writes the three JSON files of reference §3 ({@link ClassStatisticsFiles}) and
     * {@value ClassStatisticsFiles#COUNTS_TABLE} into {@code dir} (any Hadoop FileSystem URI),
     * replacing earlier ones.
     */
    public void write(Result result, String dir) throws IOException {
        FileStore store = new HadoopFileStore(spark.sparkContext().hadoopConfiguration());
        ClassStatisticsFiles.write(store, dir, result.statistics());
        List<Row> rows = new ArrayList<>(result.images());
        List<ImageClassCounts> images = result.statistics().images();
        for (int i = 0; i < images.size(); i++) {
            Object[] values = new Object[2 + CityscapesClass.COUNT];
            values[0] = result.ids().get(i);
            values[1] = images.get(i).file();
            long[] counts = images.get(i).counts();
            for (int c = 0; c < counts.length; c++) {
                values[2 + c] = counts[c];
            }
            rows.add(RowFactory.create(values));
        }
        spark.createDataFrame(rows, COUNTS_SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(store.resolve(dir, ClassStatisticsFiles.COUNTS_TABLE));
    }

    /**
     * The count column of a train id in {@value ClassStatisticsFiles#COUNTS_TABLE}: the class
     * name, {@code traffic_light} style.
     */
    public static String countColumn(int trainId) {
        return CityscapesClass.ofTrainId(trainId).name().toLowerCase(Locale.ROOT);
    }

    private static StructType countsSchema() {
        StructType schema = new StructType().add(SampleTable.ID, DataTypes.StringType, false)
                .add(FILE, DataTypes.StringType, false);
        for (int c = 0; c < CityscapesClass.COUNT; c++) {
            schema = schema.add(countColumn(c), DataTypes.LongType, false);
        }
        return schema;
    }
}
