package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.util.BitSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The committed GTA5/SYNTHIA fixtures are in the datasets' raw formats and hold what {@link DatasetFixtures} makes. */
class FixtureFilesTest {

    private static BufferedImage load(String resource) throws IOException {
        try (InputStream in = FixtureFilesTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, "missing test resource " + resource + "; re-make it with DatasetFixtures.main");
            return ImageIO.read(in);
        }
    }

    @Test
    void gtaLabels_arePalettePngsWithCityscapesColoursAndEveryRawId() throws IOException {
        for (int s = 1; s <= 2; s++) {
            BufferedImage label = load("/fixtures/gta5/labels/0000" + s + ".png");
            assertEquals(BufferedImage.TYPE_BYTE_INDEXED, label.getType());
            IndexColorModel palette = (IndexColorModel) label.getColorModel();
            for (int id = 0; id <= 33; id++) {
                assertEquals(DatasetFixtures.CITYSCAPES_PALETTE[id], palette.getRGB(id) & 0xFFFFFF, "palette entry " + id);
            }
            // Train classes carry the colours of the shared class table.
            for (CityscapesClass c : CityscapesClass.values()) {
                assertEquals(c.rgb(), palette.getRGB(c.labelId()) & 0xFFFFFF, c.displayName());
            }
            Raster raster = label.getRaster();
            assertEquals(1, raster.getNumBands());
            assertEquals(8, raster.getSampleModel().getSampleSize(0));
            LabelMap expected = DatasetFixtures.gtaRawLabel(s);
            BitSet ids = new BitSet();
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 8; x++) {
                    int v = raster.getSample(x, y, 0);
                    assertEquals(expected.get(x, y), v, "sample " + s + " pixel (" + x + ", " + y + ")");
                    ids.set(v);
                }
            }
            assertEquals(34, ids.cardinality(), "every GTA raw id 0..33 present");
            assertEquals(33, ids.length() - 1);
        }
        // Known positions of sample 1: pixel i = y * 8 + x holds i % 34.
        Raster one = load("/fixtures/gta5/labels/00001.png").getRaster();
        assertEquals(7, one.getSample(7, 0, 0));
        assertEquals(33, one.getSample(1, 4, 0));
        assertEquals(0, one.getSample(2, 4, 0));
    }

    @Test
    void synthiaLabels_are16BitThreeChannelWithIdInChannel0() throws IOException {
        int[] ch1 = DatasetFixtures.synthiaChannel1();
        int[] ch2 = DatasetFixtures.synthiaChannel2();
        for (int s = 1; s <= 2; s++) {
            BufferedImage label = load("/fixtures/synthia/GT/LABELS/000000" + s + ".png");
            Raster raster = label.getRaster();
            assertEquals(3, raster.getNumBands());
            assertEquals(DataBuffer.TYPE_USHORT, raster.getDataBuffer().getDataType());
            for (int b = 0; b < 3; b++) {
                assertEquals(16, raster.getSampleModel().getSampleSize(b), "bits of band " + b);
            }
            LabelMap expected = DatasetFixtures.synthiaRawLabel(s);
            BitSet ids = new BitSet();
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    int i = y * 6 + x;
                    assertEquals(expected.get(x, y), raster.getSample(x, y, 0), "channel 0 at " + i);
                    assertEquals(ch1[i], raster.getSample(x, y, 1), "channel 1 at " + i);
                    assertEquals(ch2[i], raster.getSample(x, y, 2), "channel 2 at " + i);
                    ids.set(raster.getSample(x, y, 0));
                }
            }
            assertEquals(23, ids.cardinality(), "every SYNTHIA raw id 0..22 present");
            assertEquals(22, ids.length() - 1);
        }
        Raster one = load("/fixtures/synthia/GT/LABELS/0000001.png").getRaster();
        assertEquals(3, one.getSample(3, 0, 0));
        assertEquals(22, one.getSample(4, 3, 0));
        assertEquals(1000 + 7 * 22, one.getSample(4, 3, 1));
    }

    @Test
    void images_are8BitRgbAsGenerated() throws IOException {
        String[] files = {"/fixtures/gta5/images/00002.png", "/fixtures/synthia/RGB/0000002.png"};
        int[][] sizes = {{8, 5}, {6, 4}};
        for (int f = 0; f < files.length; f++) {
            BufferedImage image = load(files[f]);
            assertEquals(3, image.getRaster().getNumBands());
            assertEquals(8, image.getRaster().getSampleModel().getSampleSize(0));
            RgbImage expected = DatasetFixtures.image(sizes[f][0], sizes[f][1], 2);
            for (int y = 0; y < sizes[f][1]; y++) {
                for (int x = 0; x < sizes[f][0]; x++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    int want = expected.get(x, y, 0) << 16 | expected.get(x, y, 1) << 8 | expected.get(x, y, 2);
                    assertEquals(want, rgb, files[f] + " at (" + x + ", " + y + ")");
                }
            }
        }
    }
}
