package dev.cluda.transform;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.random.RandomGenerator;

/** A RandomGenerator replaying scripted {@code nextInt(bound)} and {@code nextDouble()} answers. */
final class ScriptedRandom implements RandomGenerator {

    private final Deque<Integer> ints = new ArrayDeque<>();
    private final Deque<Double> doubles = new ArrayDeque<>();

    ScriptedRandom withInts(int... values) {
        for (int v : values) {
            ints.add(v);
        }
        return this;
    }

    ScriptedRandom withDoubles(double... values) {
        for (double v : values) {
            doubles.add(v);
        }
        return this;
    }

    int intsLeft() {
        return ints.size();
    }

    @Override
    public int nextInt(int bound) {
        if (ints.isEmpty()) {
            throw new IllegalStateException("script has no int left (bound " + bound + ")");
        }
        int v = ints.poll();
        if (v < 0 || v >= bound) {
            throw new IllegalStateException("scripted " + v + " is outside [0, " + bound + ")");
        }
        return v;
    }

    @Override
    public double nextDouble() {
        if (doubles.isEmpty()) {
            throw new IllegalStateException("script has no double left");
        }
        return doubles.poll();
    }

    @Override
    public long nextLong() {
        throw new UnsupportedOperationException("only nextInt(bound) and nextDouble() are scripted");
    }
}
