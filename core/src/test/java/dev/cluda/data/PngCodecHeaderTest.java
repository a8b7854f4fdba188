package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.data.PngCodec.PngHeader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngCodecHeaderTest {

    static byte[] jpeg(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "jpg", out));
        return out.toByteArray();
    }

    static byte[] gif(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED), "gif", out));
        return out.toByteArray();
    }

    @Test
    void header_readsSizeBitDepthAndColourTypeOfWhatWeWrite() throws IOException {
        LabelMap label = TempDatasets.uniform(8, 5, 7);
        assertEquals(new PngHeader(8, 5, 8, 3), PngCodec.header(TempDatasets.palettePng(label), "p.png"));
        assertEquals(new PngHeader(8, 5, 8, 0), PngCodec.header(TempDatasets.gray8Png(label), "g.png"));
        assertEquals(new PngHeader(8, 5, 16, 2), PngCodec.header(TempDatasets.label16Png(label), "s.png"));
        PngHeader rgb = PngCodec.header(TempDatasets.rgbPng(8, 5), "i.png");
        assertEquals(new PngHeader(8, 5, 8, 2), rgb);
        assertEquals(3, rgb.channels());
        assertEquals("RGB", rgb.colourTypeName());
    }

    @Test
    void header_jpeg_isNamedAsJpeg() throws IOException {
        BadSampleException e = assertThrows(BadSampleException.class, () -> PngCodec.header(jpeg(8, 5), "l.png"));
        assertEquals("l.png", e.file());
        assertTrue(e.getMessage().startsWith("l.png: is a JPEG, not a PNG"), e.getMessage());
    }

    @Test
    void header_tooShortOrUnknown_failsNamingFile() throws IOException {
        byte[] png = TempDatasets.gray8Png(TempDatasets.uniform(2, 2, 1));
        BadSampleException shortFile = assertThrows(BadSampleException.class,
                () -> PngCodec.header(Arrays.copyOf(png, 20), "x.png"));
        assertTrue(shortFile.getMessage().startsWith("x.png: truncated or corrupt image data"), shortFile.getMessage());
        BadSampleException unknown = assertThrows(BadSampleException.class,
                () -> PngCodec.header(new byte[40], "y.png"));
        assertTrue(unknown.getMessage().contains("unknown format"), unknown.getMessage());
    }

    @Test
    void formatOf_knowsCommonSignatures() throws IOException {
        assertEquals("PNG", PngCodec.formatOf(TempDatasets.rgbPng(2, 2)));
        assertEquals("JPEG", PngCodec.formatOf(jpeg(2, 2)));
        assertEquals("GIF", PngCodec.formatOf(gif(2, 2)));
        assertNull(PngCodec.formatOf(new byte[] {1, 2, 3}));
        assertNull(PngCodec.formatOf(new byte[0]));
    }

    @Test
    void requireImageFormat_pngOrJpegOnly() throws IOException {
        assertEquals("PNG", PngCodec.requireImageFormat(TempDatasets.rgbPng(2, 2), "a.png"));
        assertEquals("JPEG", PngCodec.requireImageFormat(jpeg(2, 2), "a.jpg"));
        BadSampleException e = assertThrows(BadSampleException.class,
                () -> PngCodec.requireImageFormat(gif(2, 2), "a.png"));
        assertEquals("a.png: is a GIF; images must be PNG or JPEG, so convert it", e.getMessage());
    }

    @Test
    void peek_leavesTheStreamUnread() throws IOException {
        byte[] png = TempDatasets.rgbPng(3, 2);
        InputStream in = PngCodec.markable(new InputStream() {
            private final InputStream delegate = new ByteArrayInputStream(png);

            @Override
            public int read() throws IOException {
                return delegate.read();
            }
        });
        assertEquals(PngCodec.HEADER_LENGTH, PngCodec.peek(in, PngCodec.HEADER_LENGTH).length);
        assertEquals(3, PngCodec.readRgb(in, "p.png").width());
    }
}
