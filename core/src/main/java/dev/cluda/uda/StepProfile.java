package dev.cluda.uda;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where an iteration's time goes, phase by phase ({@code cluda bench step --profile}): the step
 * marks the end of each phase with {@link #lap}. CPU operations are synchronous, so wall time per
 * phase is the phase's cost; on a GPU a phase that reads a value back waits for the kernels before it.
 * {@link #OFF} records nothing and costs nothing.
 */
public interface StepProfile {

    /** Records nothing. */
    StepProfile OFF = new StepProfile() {
        @Override
        public long lap(String phase, long since) {
            return 0;
        }

        @Override
        public long now() {
            return 0;
        }
    };

    /** Adds the time since {@code since} to {@code phase}; returns now, the start of the next phase. */
    long lap(String phase, long since);

    /** The current time in nanoseconds, to start the first phase from. */
    long now();

    /** A profile that sums the time of each phase over every iteration it sees. */
    static Recording recording() {
        return new Recording();
    }

    /** Sums per phase, in the order phases first ran. */
    final class Recording implements StepProfile {
        private final Map<String, Long> nanos = new LinkedHashMap<>();

        private Recording() {
        }

        @Override
        public long lap(String phase, long since) {
            long now = System.nanoTime();
            nanos.merge(phase, now - since, Long::sum);
            return now;
        }

        @Override
        public long now() {
            return System.nanoTime();
        }

        /** Total nanoseconds per phase. */
        public Map<String, Long> nanos() {
            return Collections.unmodifiableMap(nanos);
        }

        /** Forgets what was recorded (after the warm-up). */
        public void clear() {
            nanos.clear();
        }
    }
}
