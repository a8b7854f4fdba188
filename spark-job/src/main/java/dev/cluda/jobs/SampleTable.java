package dev.cluda.jobs;

import static org.apache.spark.sql.functions.col;

import dev.cluda.config.DatasetConfig;
import dev.cluda.data.BadSampleException;
import dev.cluda.data.BadSamplePolicy;
import dev.cluda.data.DatasetIndex;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.SampleRef;
import dev.cluda.error.UserError;
import dev.cluda.io.HadoopFileStore;
import java.io.IOException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A dataset root (GTA5, SYNTHIA, Cityscapes layout) as a Spark table of samples, validated in
 * Spark tasks, so every sample is decoded once, in parallel. The driver lists images and labels through the
 * reader's {@code scan} (two listings); each task opens its samples with a
 * {@link HadoopFileStore} and decodes them through the reader, recording the size, the per-class
 * pixel counts of the label (reference §3, original resolution) and either status {@code ok} or
 * the problem with the offending file. {@code data.onBadSample = fail} fails the build listing
 * the bad files; {@code skip} keeps them in {@link #all()} and out of {@link #usable()}.
 *
 * <p>Validation is one Spark job whose small result rows (paths, size, status, 19 counts) are
 * collected to the driver, so statistics and listings read them without decoding again; the
 * tables this class returns are built from those rows.
 */
public final class SampleTable {

    public static final String ID = "id";
    public static final String IMAGE_PATH = "image_path";
    public static final String LABEL_PATH = "label_path";
    public static final String SPLIT = "split";
    public static final String CITY = "city";
    public static final String WIDTH = "width";
    public static final String HEIGHT = "height";
    public static final String STATUS = "status";
    /** The problem's message, naming the file; null when the sample is ok. */
    public static final String PROBLEM = "problem";
    /** The offending file; null when the sample is ok. */
    public static final String PROBLEM_FILE = "problem_file";
    /** Pixels of train ids 0..18 in the label (19 longs); null unless ok and labelled. */
    public static final String CLASS_COUNTS = "class_counts";

    /** Column order and types of every table this class builds. */
    public static final StructType SCHEMA = new StructType()
            .add(ID, DataTypes.StringType, false)
            .add(IMAGE_PATH, DataTypes.StringType, false)
            .add(LABEL_PATH, DataTypes.StringType, true)
            .add(SPLIT, DataTypes.StringType, false)
            .add(CITY, DataTypes.StringType, false)
            .add(WIDTH, DataTypes.IntegerType, true)
            .add(HEIGHT, DataTypes.IntegerType, true)
            .add(STATUS, DataTypes.StringType, false)
            .add(PROBLEM, DataTypes.StringType, true)
            .add(PROBLEM_FILE, DataTypes.StringType, true)
            .add(CLASS_COUNTS, DataTypes.createArrayType(DataTypes.LongType, false), true);

    static final int STATUS_FIELD = SCHEMA.fieldIndex(STATUS);
    static final int PROBLEM_FIELD = SCHEMA.fieldIndex(PROBLEM);
    static final int PROBLEM_FILE_FIELD = SCHEMA.fieldIndex(PROBLEM_FILE);
    static final int CLASS_COUNTS_FIELD = SCHEMA.fieldIndex(CLASS_COUNTS);

    /** Problems listed in a message before it says "... and N more". */
    public static final int LISTED_PROBLEMS = 10;

    /** What validation found for one sample; {@link #value()} is the {@value #STATUS} column. */
    public enum Status {
        OK, MISSING_LABEL, SIZE_MISMATCH, UNREADABLE, BAD_VALUE;

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The status of a column value. */
        public static Status parse(String value) {
            return valueOf(value.toUpperCase(Locale.ROOT));
        }
    }

    /** One bad sample: its id, what is wrong, the offending file and the full message. */
    public record Problem(String id, Status status, String file, String message) {
    }

    /** {@code data.onBadSample = fail} met bad samples; the message lists the first {@value #LISTED_PROBLEMS}. */
    public static final class BadSamplesException extends IOException implements UserError {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient List<Problem> problems;

        BadSamplesException(String message, List<Problem> problems) {
            super(message);
            this.problems = List.copyOf(problems);
        }

        /** Every bad sample, sorted by file. */
        public List<Problem> problems() {
            return problems;
        }
    }

    private final SparkSession spark;
    private final DatasetKind kind;
    private final String root;
    private final String split;
    private final List<Row> rows;
    private final List<Problem> problems;

    private SampleTable(SparkSession spark, DatasetKind kind, String root, String split, List<Row> rows,
                        List<Problem> problems) {
        this.spark = spark;
        this.kind = kind;
        this.root = root;
        this.split = split;
        this.rows = rows;
        this.problems = problems;
    }

    /**
     * The table of a configured dataset ({@code data.source.*} or {@code data.target.*}); type
     * {@code synthetic} reads the GTA5 layout below {@code root/gta5} as a source and the
     * Cityscapes layout below {@code root/cityscapes} as a target ({@link DatasetConfig#resolve}).
     *
     * @param asSource whether {@code dataset} is the source dataset
     */
    public static SampleTable build(SparkSession spark, DatasetConfig dataset, boolean asSource,
                                    BadSamplePolicy policy) throws IOException {
        DatasetConfig.ResolvedDataset resolved = dataset.resolve(asSource);
        return build(spark, resolved.kind(), resolved.root(), dataset.split(), policy);
    }

    /**
     * Lists the samples of {@code split} below {@code root} and validates them in one Spark job.
     *
     * @param split the split directory (Cityscapes); ignored by GTA5 and SYNTHIA
     * @throws IOException if the layout is not found below {@code root} (from the reader's scan)
     * @throws BadSamplesException under {@link BadSamplePolicy#FAIL} if any sample is bad
     */
    public static SampleTable build(SparkSession spark, DatasetKind kind, String root, String split,
                                    BadSamplePolicy policy) throws IOException {
        return build(spark, kind, root, split, policy, true);
    }

    /**
     * As {@link #build(SparkSession, DatasetKind, String, String, BadSamplePolicy)}; with
     * {@code labelsRequired} false (unlabelled target images for self-training) an image without a
     * label is decoded and checked alone instead of being reported.
     */
    public static SampleTable build(SparkSession spark, DatasetKind kind, String root, String split,
                                    BadSamplePolicy policy, boolean labelsRequired) throws IOException {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(policy, "policy");
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        DatasetIndex index = kind.reader().scan(new HadoopFileStore(hadoop), root, split);
        List<Row> pending = new ArrayList<>(index.samples().size());
        for (SampleRef ref : labelsRequired ? index.samples() : index.allImages()) {
            pending.add(RowFactory.create(ref.id(), ref.imagePath(), ref.labelPath(), ref.split(), ref.city()));
        }

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableHadoopConf> conf = jsc.broadcast(new SerializableHadoopConf(new Configuration(hadoop)));
        int partitions = Math.max(1, Math.min(pending.size(), 4 * jsc.defaultParallelism()));
        // The one job: every sample decoded once, on the executors; the small result rows come back.
        List<Row> rows;
        try {
            rows = new ArrayList<>(jsc.parallelize(pending, partitions)
                    .mapPartitions(new SampleValidation(kind, conf)).collect());
        } finally {
            conf.destroy();
        }
        String recordedSplit = kind == DatasetKind.CITYSCAPES ? split : "";
        if (labelsRequired) {
            for (BadSampleException e : index.missingLabels()) {
                rows.add(SampleValidation.missingLabelRow(e, recordedSplit));
            }
        }
        rows.sort(Comparator.comparing(r -> r.getString(0)));

        List<Problem> problems = new ArrayList<>();
        for (Row r : rows) {
            Status status = Status.parse(r.getString(STATUS_FIELD));
            if (status != Status.OK) {
                problems.add(new Problem(r.getString(0), status, r.getString(PROBLEM_FILE_FIELD),
                        r.getString(PROBLEM_FIELD)));
            }
        }
        problems.sort(Comparator.comparing(Problem::file).thenComparing(Problem::id));
        if (policy == BadSamplePolicy.FAIL && !problems.isEmpty()) {
            throw new BadSamplesException(problems.size() + " of " + rows.size() + " samples below " + root
                    + " are bad (" + BadSamplePolicy.CONFIG_KEY + " = fail; fix or remove them, or set "
                    + BadSamplePolicy.CONFIG_KEY + " = skip to leave them out): " + list(problems), problems);
        }
        return new SampleTable(spark, kind, root, split, List.copyOf(rows), List.copyOf(problems));
    }

    /** Every sample found, bad ones included (status other than {@code ok}), as a table of {@link #SCHEMA}. */
    public Dataset<Row> all() {
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** The samples with status {@code ok}: the ones training and statistics use. */
    public Dataset<Row> usable() {
        return all().filter(col(STATUS).equalTo(Status.OK.value()));
    }

    /** The usable samples as references, sorted by id (the order of the reader's {@code scan}). */
    public List<SampleRef> usableRefs() {
        return usableRows().stream().map(SampleTable::ref).toList();
    }

    /** The rows with status {@code ok}, sorted by id, as the tasks made them ({@value #CLASS_COUNTS} a {@code long[]}). */
    List<Row> usableRows() {
        return rows.stream().filter(r -> Status.OK.value().equals(r.getString(STATUS_FIELD))).toList();
    }

    /** The bad samples, sorted by file (empty unless the policy is skip). */
    public List<Problem> problems() {
        return problems;
    }

    /** Samples found, bad ones included. */
    public int size() {
        return rows.size();
    }

    public int usableCount() {
        return rows.size() - problems.size();
    }

    public DatasetKind kind() {
        return kind;
    }

    public String root() {
        return root;
    }

    public String split() {
        return split;
    }

    /**
     * "2 of 10 samples skipped (data.onBadSample = skip): a.png: reason; b.png: reason", listing at
     * most {@value #LISTED_PROBLEMS}; empty if no sample is bad.
     */
    public String problemSummary() {
        if (problems.isEmpty()) {
            return "";
        }
        return problems.size() + " of " + rows.size() + " samples skipped (" + BadSamplePolicy.CONFIG_KEY + " = skip): "
                + list(problems);
    }

    /** The reference of a row whose first five fields are {@value #ID} … {@value #CITY}, in {@link #SCHEMA} order. */
    static SampleRef ref(Row r) {
        return new SampleRef(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4));
    }

    private static String list(List<Problem> problems) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < problems.size() && i < LISTED_PROBLEMS; i++) {
            out.append(i == 0 ? "" : "; ").append(problems.get(i).message());
        }
        if (problems.size() > LISTED_PROBLEMS) {
            out.append("; ... and ").append(problems.size() - LISTED_PROBLEMS).append(" more");
        }
        return out.toString();
    }
}
