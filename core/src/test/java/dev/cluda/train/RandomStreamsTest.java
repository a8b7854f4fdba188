package dev.cluda.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cluda.train.RandomStreams.Purpose;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RandomStreamsTest {

    @Test
    void stream_sameCoordinates_sameDraws() {
        RandomStreams a = new RandomStreams(42, 1);
        RandomStreams b = new RandomStreams(42, 1);
        assertEquals(a.stream(100, Purpose.CLASS_MIX).nextLong(), b.stream(100, Purpose.CLASS_MIX).nextLong());
        assertEquals(a.engineSeed(7), b.engineSeed(7));
    }

    @Test
    void stream_anyCoordinateChanged_differentDraws() {
        Set<Long> firsts = new HashSet<>();
        firsts.add(new RandomStreams(42, 0).stream(5, Purpose.CLASS_MIX).nextLong());
        firsts.add(new RandomStreams(43, 0).stream(5, Purpose.CLASS_MIX).nextLong());
        firsts.add(new RandomStreams(42, 1).stream(5, Purpose.CLASS_MIX).nextLong());
        firsts.add(new RandomStreams(42, 0).stream(6, Purpose.CLASS_MIX).nextLong());
        firsts.add(new RandomStreams(42, 0).stream(5, Purpose.PHOTOMETRIC).nextLong());
        assertEquals(5, firsts.size());
        assertNotEquals(new RandomStreams(0, 0).engineSeed(0), new RandomStreams(0, 0).engineSeed(1));
    }

    @Test
    void constructor_negativeRank_rejected() {
        assertThrows(IllegalArgumentException.class, () -> new RandomStreams(1, -1));
    }
}
