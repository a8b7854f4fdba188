package dev.cluda.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class CanvasTest {

    @Test
    void rect_paintsHalfOpenBoxAndTracksInstanceBox() {
        Canvas canvas = new Canvas(5, 4);
        int id = canvas.newInstance(13);
        canvas.rect(1, 1, 3, 3, 13, id);
        Scene scene = canvas.toScene();
        String expected = ""
                + "00000"
                + "0dd00"
                + "0dd00"
                + "00000";
        assertEquals(expected, render(scene));
        assertEquals(List.of(new Scene.Instance(1, 13, 1, 1, 3, 3)), scene.instances());
        assertEquals(1, scene.instanceIds()[1 * 5 + 2]);
        assertEquals(0, scene.instanceIds()[0]);
    }

    @Test
    void rect_outsideTheImage_isClippedAndBoxStaysInside() {
        Canvas canvas = new Canvas(4, 3);
        int id = canvas.newInstance(2);
        canvas.rect(-3, -2, 2, 1, 2, id);
        Scene scene = canvas.toScene();
        assertEquals("2200" + "0000" + "0000", render(scene));
        assertEquals(new Scene.Instance(1, 2, 0, 0, 2, 1), scene.instances().get(0));
    }

    @Test
    void ellipse_radiusOneAndAHalf_isAPlus() {
        Canvas canvas = new Canvas(5, 5);
        canvas.ellipse(2.5, 2.5, 1.5, 1.5, 8, 0);
        // Pixel centres within distance 1.5 of (2.5, 2.5): the centre, its 4 neighbours and the 4
        // diagonals (distance 1.41); not (0, 2) at distance 2.
        assertEquals("00000" + "08880" + "08880" + "08880" + "00000", render(canvas.toScene()));
    }

    @Test
    void ring_withInnerHalf_leavesTheCentreUnpainted() {
        Canvas canvas = new Canvas(5, 5);
        canvas.ring(2.5, 2.5, 2.5, 2.5, 0.5, 18, 0);
        Scene scene = canvas.toScene();
        // Normalised squared distance of pixel centres: (2, 2) 0, (1, 2) 0.16 (< 0.25, inside the
        // hole), (0, 2) 0.64 and (2, 0) 0.64 (on the ring), (0, 0) 1.28 (outside).
        assertEquals(0, scene.labels().get(2, 2));
        assertEquals(0, scene.labels().get(1, 2));
        assertEquals(18, scene.labels().get(0, 2));
        assertEquals(18, scene.labels().get(2, 0));
        assertEquals(0, scene.labels().get(0, 0));
    }

    @Test
    void laterShapes_coverEarlierOnes() {
        Canvas canvas = new Canvas(3, 1);
        int car = canvas.newInstance(13);
        canvas.span(0, 0, 3, 13, car);
        int person = canvas.newInstance(11);
        canvas.span(0, 1, 2, 11, person);
        Scene scene = canvas.toScene();
        assertEquals("dbd", render(scene));
        assertArrayEquals(new int[] {1, 2, 1}, scene.instanceIds());
    }

    @Test
    void instanceNeverDrawnInside_getsAnEmptyBox() {
        Canvas canvas = new Canvas(3, 3);
        int id = canvas.newInstance(5);
        canvas.rect(10, 10, 12, 12, 5, id);
        assertEquals(new Scene.Instance(1, 5, 0, 0, 0, 0), canvas.toScene().instances().get(0));
    }

    /** Train ids as base-19 digits, row by row. */
    private static String render(Scene scene) {
        StringBuilder out = new StringBuilder();
        for (int y = 0; y < scene.height(); y++) {
            for (int x = 0; x < scene.width(); x++) {
                out.append(Character.forDigit(scene.labels().get(x, y), 19));
            }
        }
        return out.toString();
    }
}
