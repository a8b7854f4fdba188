package dev.cluda.jobs;

import dev.cluda.data.SampleRef;
import java.io.Serializable;

/** A {@link SampleRef} in serializable form, as Spark ships it to executors. */
record ImageTask(String id, String imagePath, String labelPath, String split, String city) implements Serializable {

    private static final long serialVersionUID = 1L;

    static ImageTask of(SampleRef ref) {
        return new ImageTask(ref.id(), ref.imagePath(), ref.labelPath(), ref.split(), ref.city());
    }

    SampleRef ref() {
        return new SampleRef(id, imagePath, labelPath, split, city);
    }
}
