package dev.cluda.comm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.comm.RingPlan.Piece;
import dev.cluda.comm.WireCodec.Action;
import java.util.List;
import org.junit.jupiter.api.Test;

class RingPlanTest {

    @Test
    void allReduce_threeRanksLengthSeven_chunksStepsAndForwarding() {
        // chunks [0,2) [2,4) [4,7); rank 0 sends chunk 0, then forwards what it receives
        RingPlan plan = RingPlan.allReduce(0, 3, 7, 100);
        assertEquals(List.of(new Piece(0, 2, Action.ADD, 1)), plan.initial());
        assertEquals(List.of(
                new Piece(4, 3, Action.ADD, 1),        // step 1: chunk 2 from rank 2
                new Piece(2, 2, Action.ADD_FINAL, 2),  // step 2: chunk 1, now complete here
                new Piece(0, 2, Action.COPY, 3),       // step 3: complete chunk 0 from rank 2
                new Piece(4, 3, Action.COPY, 4)),      // step 4: complete chunk 2
                plan.receives());
        assertEquals(3, plan.forwarded());
        assertEquals(4, plan.steps());
        assertEquals(4, plan.sendCount());
        assertEquals(new Piece(2, 2, Action.ADD_FINAL, 2), plan.send(2)); // sent in step 3
        assertEquals(3, plan.sendStep(2));
        assertTrue(plan.sendable(0, 0));
        assertFalse(plan.sendable(1, 0));
        assertTrue(plan.sendable(1, 1));
    }

    @Test
    void allReduce_lengthBelowRanks_emptyChunksHaveNoPieces() {
        RingPlan plan = RingPlan.allReduce(1, 4, 2, 100); // chunks: [] [0,1) [] [1,2)
        assertEquals(List.of(new Piece(0, 1, Action.ADD, 1)), plan.initial());
        assertEquals(List.of(
                new Piece(1, 1, Action.ADD, 2),   // chunk 3 in step 2; chunks 0 and 2 are empty
                new Piece(0, 1, Action.COPY, 4),  // own chunk 1, completed by rank 0
                new Piece(1, 1, Action.COPY, 6)), // chunk 3, completed by rank 2
                plan.receives());
        assertEquals(2, plan.forwarded());
    }

    @Test
    void allReduce_chunkLargerThanPiece_splitIntoPieces() {
        RingPlan plan = RingPlan.allReduce(0, 2, 10, 3); // chunks [0,5) [5,10)
        assertEquals(List.of(new Piece(0, 3, Action.ADD, 1), new Piece(3, 2, Action.ADD, 1)),
                plan.initial());
        assertEquals(4, plan.receives().size());
        assertEquals(2, plan.forwarded());
    }

    @Test
    void broadcast_fourRanksRootTwo_lastHopDoesNotForward() {
        assertEquals(2, RingPlan.broadcast(2, 4, 2, 5, 3).initial().size());
        RingPlan hop1 = RingPlan.broadcast(3, 4, 2, 5, 3);
        assertEquals(2, hop1.forwarded());
        assertEquals(1, hop1.receives().get(0).step());
        RingPlan last = RingPlan.broadcast(1, 4, 2, 5, 3);
        assertEquals(0, last.forwarded());
        assertEquals(3, last.receives().get(0).step());
    }

    @Test
    void allGather_threeRanks_receivesEveryOtherSlotOnce() {
        RingPlan plan = RingPlan.allGather(0, 3, 1);
        assertEquals(List.of(new Piece(0, 1, Action.COPY, 1)), plan.initial());
        assertEquals(List.of(new Piece(2, 1, Action.COPY, 1), new Piece(1, 1, Action.COPY, 2)),
                plan.receives());
        assertEquals(1, plan.forwarded());
    }
}
