package dev.cluda.jobs;

import dev.cluda.error.UserInputException;
import java.util.Locale;

/**
 * Which network of a checkpoint to run: the EMA {@code teacher} (pseudo-labels, reference §2.1,
 * §2.2) or the {@code student} (evaluation, reference §2.1: inference uses the student).
 */
public enum CheckpointWeights {
    TEACHER("teacher"),
    STUDENT("student");

    private final String partName;

    CheckpointWeights(String partName) {
        this.partName = partName;
    }

    /** The checkpoint part ({@code <name>.ndlist} inside the zip) and the command-line value. */
    public String partName() {
        return partName;
    }

    /**
     * The weights named {@code value} (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException naming the accepted values otherwise
     */
    public static CheckpointWeights parse(String value) {
        String key = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (CheckpointWeights w : values()) {
            if (w.partName.equals(key)) {
                return w;
            }
        }
        throw new UserInputException("unknown weights '" + value + "'; accepted values: teacher, student");
    }
}
