package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.error.InvalidFileException;
import dev.cluda.io.LocalFileStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loose PNG and JPEG files as the unlabelled input of {@code cluda predict}. */
class ImageFileReaderTest {

    private final LocalFileStore store = new LocalFileStore();
    private final ImageFileReader reader = new ImageFileReader();

    @TempDir
    Path root;

    static byte[] jpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 40) << 16 | (y * 40) << 8 | 90);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, "jpeg", out));
        return out.toByteArray();
    }

    @Test
    void index_folder_listsPngAndJpegRecursivelyByNameWithoutExtension() throws IOException {
        TempDatasets.write(root.resolve("a.png"), TempDatasets.rgbPng(4, 3));
        TempDatasets.write(root.resolve("city/b.JPG"), jpeg(4, 3));
        TempDatasets.write(root.resolve("city/c.jpeg"), jpeg(4, 3));
        TempDatasets.write(root.resolve("notes.txt"), new byte[] {1});
        TempDatasets.write(root.resolve(".hidden.png"), TempDatasets.rgbPng(4, 3));
        TempDatasets.write(root.resolve("_tmp/d.png"), TempDatasets.rgbPng(4, 3));
        List<SampleRef> refs = reader.index(store, root.toString(), "ignored");
        assertEquals(List.of("a", "b", "c"), refs.stream().map(SampleRef::id).toList());
        assertEquals(root.resolve("city/b.JPG").toString(), refs.get(1).imagePath());
        for (SampleRef ref : refs) {
            assertNull(ref.labelPath());
            assertEquals("", ref.split());
        }
        DatasetIndex index = reader.scan(store, root.toString(), "");
        assertEquals(0, index.samples().size());
        assertEquals(refs, index.allImages());
    }

    @Test
    void index_singleFile_isOneImageWhateverItsName() throws IOException {
        Path file = TempDatasets.write(root.resolve("photo.v2.jpg"), jpeg(4, 3));
        List<SampleRef> refs = reader.index(store, file.toString(), "");
        assertEquals(List.of(new SampleRef("photo.v2", file.toString(), null, "", "")), refs);
    }

    @Test
    void index_sameNameWithoutExtension_namesBothFiles() throws IOException {
        TempDatasets.write(root.resolve("x/a.png"), TempDatasets.rgbPng(4, 3));
        TempDatasets.write(root.resolve("y/a.jpg"), jpeg(4, 3));
        InvalidFileException e = assertThrows(InvalidFileException.class,
                () -> reader.index(store, root.toString(), ""));
        assertTrue(e.getMessage().contains(root.resolve("x/a.png").toString())
                && e.getMessage().contains(root.resolve("y/a.jpg").toString()), e.getMessage());
    }

    @Test
    void index_folderWithoutImagesOrMissingPath_namesThePath() throws IOException {
        TempDatasets.write(root.resolve("readme.txt"), new byte[] {1});
        InvalidFileException empty = assertThrows(InvalidFileException.class,
                () -> reader.index(store, root.toString(), ""));
        assertTrue(empty.getMessage().startsWith(root + ": no images found"), empty.getMessage());
        String missing = root.resolve("nope").toString();
        FileNotFoundException absent = assertThrows(FileNotFoundException.class,
                () -> reader.index(store, missing, ""));
        assertTrue(absent.getMessage().contains(missing), absent.getMessage());
    }

    @Test
    void read_jpegAndPng_decodeAsImageIoDoes() throws IOException {
        byte[] jpg = jpeg(6, 5);
        Path file = TempDatasets.write(root.resolve("j.jpg"), jpg);
        Sample sample = reader.read(store, reader.index(store, file.toString(), "").get(0));
        assertNull(sample.trainIds());
        BufferedImage expected = ImageIO.read(file.toFile());
        assertEquals(6, sample.image().width());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 6; x++) {
                int argb = expected.getRGB(x, y);
                assertArrayEquals(new int[] {(argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF},
                        new int[] {sample.image().get(x, y, 0), sample.image().get(x, y, 1),
                            sample.image().get(x, y, 2)});
            }
        }
        Path png = TempDatasets.write(root.resolve("p.png"), TempDatasets.rgbPng(4, 3));
        assertArrayEquals(DatasetFixtures.image(4, 3, 1).rgb(),
                reader.read(store, new SampleRef("p", png.toString(), null, "", "")).image().rgb());
    }

    @Test
    void read_notAnImage_isABadSampleNamingTheFile() throws IOException {
        Path bad = TempDatasets.write(root.resolve("bad.png"), "not an image".getBytes());
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> reader.read(store, new SampleRef("bad", bad.toString(), null, "", "")));
        assertEquals(bad.toString(), e.file());
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0});
        BadSampleException truncated = assertThrows(BadSampleException.class,
                () -> reader.read(store, new SampleRef("bad", bad.toString(), null, "", "")));
        assertEquals(bad.toString(), truncated.file());
    }
}
