package dev.cluda.jobs;

import dev.cluda.data.BadSampleException;
import dev.cluda.data.DatasetKind;
import dev.cluda.data.PairedDatasetReader;
import dev.cluda.data.Sample;
import dev.cluda.data.SampleRef;
import dev.cluda.io.FileStore;
import dev.cluda.train.UdaDataSampler;
import dev.cluda.uda.ImageClassCounts;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The task side of {@link SampleTable}: opens and decodes each sample of a partition through the
 * dataset's reader and turns it into a row of {@link SampleTable#SCHEMA}. A
 * {@link BadSampleException} (or a file that vanished since the listing) becomes a row with its
 * status and message; any other I/O error fails the task, as a store that cannot be reached is
 * not a property of the sample.
 */
final class SampleValidation implements FlatMapFunction<Iterator<Row>, Row> {

    @Serial
    private static final long serialVersionUID = 1L;

    private final DatasetKind kind;
    private final Broadcast<SerializableHadoopConf> conf;

    SampleValidation(DatasetKind kind, Broadcast<SerializableHadoopConf> conf) {
        this.kind = kind;
        this.conf = conf;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) throws IOException {
        FileStore store = conf.value().store();
        PairedDatasetReader reader = kind.reader();
        List<Row> out = new ArrayList<>();
        while (input.hasNext()) {
            out.add(check(reader, store, SampleTable.ref(input.next())));
        }
        return out.iterator();
    }

    /** Decodes one sample: an {@code ok} row with size and class counts, or the row of its problem. */
    static Row check(PairedDatasetReader reader, FileStore store, SampleRef ref) throws IOException {
        Sample sample;
        try (InputStream image = open(store, ref.imagePath());
             InputStream label = ref.hasLabel() ? open(store, ref.labelPath()) : null) {
            sample = reader.decode(ref, image, label);
        } catch (BadSampleException e) {
            return row(ref, null, null, classify(e), e.getMessage(), e.file(), null);
        }
        long[] counts = sample.trainIds() == null ? null
                : ImageClassCounts.of(UdaDataSampler.rcsKey(ref), sample.trainIds()).counts();
        return row(ref, sample.image().width(), sample.image().height(), SampleTable.Status.OK, null, null, counts);
    }

    /** The row of an image whose label the listing did not find; its id is the image file name without {@code .png}. */
    static Row missingLabelRow(BadSampleException missing, String split) {
        String image = missing.file();
        String name = image.substring(image.lastIndexOf('/') + 1);
        String id = name.endsWith(".png") ? name.substring(0, name.length() - ".png".length()) : name;
        return RowFactory.create(id, image, null, split, "", null, null, SampleTable.Status.MISSING_LABEL.value(),
                missing.getMessage(), image, null);
    }

    /**
     * The status of a decoding problem. The readers signal every kind with
     * {@link BadSampleException}; the kind is told by the wording of their messages
     * ("image/label size mismatch", "label values outside the table", SYNTHIA's "label value N
     * at"), anything else being an unreadable file.
     */
    static SampleTable.Status classify(BadSampleException e) {
        String message = e.getMessage();
        if (message.contains("size mismatch")) {
            return SampleTable.Status.SIZE_MISMATCH;
        }
        if (message.contains("outside the table") || message.contains(": label value ")) {
            return SampleTable.Status.BAD_VALUE;
        }
        return SampleTable.Status.UNREADABLE;
    }

    private static InputStream open(FileStore store, String path) throws IOException {
        try {
            return store.open(path);
        } catch (FileNotFoundException e) {
            throw new BadSampleException(path, "file not found (removed after the listing?)", e);
        }
    }

    private static Row row(SampleRef ref, Integer width, Integer height, SampleTable.Status status, String problem,
                           String problemFile, long[] counts) {
        return RowFactory.create(ref.id(), ref.imagePath(), ref.labelPath(), ref.split(), ref.city(), width, height,
                status.value(), problem, problemFile, counts);
    }
}
