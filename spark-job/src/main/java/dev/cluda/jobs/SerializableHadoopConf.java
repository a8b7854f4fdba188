package dev.cluda.jobs;

import dev.cluda.io.HadoopFileStore;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop {@link Configuration} that travels to executors (in a broadcast or a task closure),
 * written with the configuration's own {@code Writable} form, so that each task can build the
 * {@link HadoopFileStore} it needs ({@code HadoopFileStore} itself is not serializable).
 * Credentials in the configuration travel with it, as they do in Spark's own broadcast of the
 * Hadoop configuration; they are never printed.
 */
final class SerializableHadoopConf implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private transient Configuration conf;

    public SerializableHadoopConf(Configuration conf) {
        this.conf = Objects.requireNonNull(conf, "conf");
    }

    /** The configuration (a copy made when this object was deserialized, on executors). */
    public Configuration conf() {
        return conf;
    }

    /** A file store over this configuration; one per task or partition. */
    public HadoopFileStore store() {
        return new HadoopFileStore(conf);
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        conf.write(out);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        conf = new Configuration(false);
        conf.readFields(in);
    }
}
