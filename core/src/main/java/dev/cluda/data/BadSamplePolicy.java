package dev.cluda.data;

import dev.cluda.error.UserInputException;
import java.util.Locale;

/**
 * What to do with a sample that cannot be used (a {@link BadSampleException}: missing label,
 * unreadable file, size mismatch, value outside the label table). Config key
 * {@value #CONFIG_KEY}; reference §8.2 ("check image and label dimensions at ingest and skip
 * mismatches").
 */
public enum BadSamplePolicy {
    /** Stop at the first bad sample with its exception. */
    FAIL,
    /** Leave the sample out, remember file and reason, and report a summary. */
    SKIP;

    /** The configuration key this policy is read from. */
    public static final String CONFIG_KEY = "data.onBadSample";

    /** The value used in configuration files ({@code fail}, {@code skip}). */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The policy named by a configuration value (case and surrounding blanks ignored).
     *
     * @throws IllegalArgumentException if {@code value} is neither {@code fail} nor {@code skip}
     */
    public static BadSamplePolicy parse(String value) {
        String key = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (BadSamplePolicy policy : values()) {
            if (policy.configName().equals(key)) {
                return policy;
            }
        }
        throw new UserInputException(CONFIG_KEY + " must be 'fail' or 'skip', got '" + value + "'");
    }
}
