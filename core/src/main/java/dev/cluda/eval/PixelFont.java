package dev.cluda.eval;

import dev.cluda.data.RgbImage;
import java.util.Locale;

/**
 * A 5×7 pixel font of the capital letters, enough for the Cityscapes class names of a legend
 * ({@link PredictionOverlay}); other characters are drawn as blanks. Drawn straight into an
 * {@link RgbImage} rather than with {@code java.awt} text: a headless JRE without font packages
 * (the GPU executor image installs only {@code openjdk-17-jre-headless}) cannot render AWT text,
 * and fixed glyphs give the same pixels on every machine.
 */
final class PixelFont {

    /** Glyph size in font pixels; a character advances one more than its width. */
    static final int WIDTH = 5;
    static final int HEIGHT = 7;
    static final int ADVANCE = WIDTH + 1;

    /** A to Z, seven rows of five columns each, '#' lit. */
    private static final String[] LETTERS = {
        ".###. #...# #...# ##### #...# #...# #...#", // A
        "####. #...# #...# ####. #...# #...# ####.", // B
        ".###. #...# #.... #.... #.... #...# .###.", // C
        "####. #...# #...# #...# #...# #...# ####.", // D
        "##### #.... #.... ####. #.... #.... #####", // E
        "##### #.... #.... ####. #.... #.... #....", // F
        ".###. #...# #.... #.### #...# #...# .####", // G
        "#...# #...# #...# ##### #...# #...# #...#", // H
        ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.", // I
        "..### ...#. ...#. ...#. ...#. #..#. .##..", // J
        "#...# #..#. #.#.. ##... #.#.. #..#. #...#", // K
        "#.... #.... #.... #.... #.... #.... #####", // L
        "#...# ##.## #.#.# #.#.# #...# #...# #...#", // M
        "#...# #...# ##..# #.#.# #..## #...# #...#", // N
        ".###. #...# #...# #...# #...# #...# .###.", // O
        "####. #...# #...# ####. #.... #.... #....", // P
        ".###. #...# #...# #...# #.#.# #..#. .##.#", // Q
        "####. #...# #...# ####. #.#.. #..#. #...#", // R
        ".#### #.... #.... .###. ....# ....# ####.", // S
        "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..", // T
        "#...# #...# #...# #...# #...# #...# .###.", // U
        "#...# #...# #...# #...# #...# .#.#. ..#..", // V
        "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.", // W
        "#...# #...# .#.#. ..#.. .#.#. #...# #...#", // X
        "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..", // Y
        "##### ....# ...#. ..#.. .#... #.... #####", // Z
    };

    private PixelFont() {
    }

    /** Whether font pixel ({@code x}, {@code y}) of {@code c} is lit (letters in either case; anything else is blank). */
    static boolean lit(char c, int x, int y) {
        char upper = Character.toUpperCase(c);
        if (upper < 'A' || upper > 'Z' || x < 0 || x >= WIDTH || y < 0 || y >= HEIGHT) {
            return false;
        }
        return LETTERS[upper - 'A'].charAt(y * (WIDTH + 1) + x) == '#';
    }

    /** Width of {@code text} in font pixels (no trailing gap). */
    static int width(String text) {
        return text.isEmpty() ? 0 : text.length() * ADVANCE - 1;
    }

    /**
     * Draws {@code text} in capitals with its top-left corner at ({@code left}, {@code top}), each
     * font pixel a {@code scale}×{@code scale} square of colour {@code rgb} (0xRRGGBB); whatever
     * falls outside {@code target} is clipped.
     */
    static void draw(RgbImage target, String text, int left, int top, int scale, int rgb) {
        String upper = text.toUpperCase(Locale.ROOT);
        for (int i = 0; i < upper.length(); i++) {
            int glyphLeft = left + i * ADVANCE * scale;
            for (int y = 0; y < HEIGHT; y++) {
                for (int x = 0; x < WIDTH; x++) {
                    if (lit(upper.charAt(i), x, y)) {
                        fill(target, glyphLeft + x * scale, top + y * scale, scale, scale, rgb);
                    }
                }
            }
        }
    }

    /** Fills a rectangle with {@code rgb} (0xRRGGBB), clipped to {@code target}. */
    static void fill(RgbImage target, int left, int top, int width, int height, int rgb) {
        int x0 = Math.max(0, left);
        int y0 = Math.max(0, top);
        int x1 = Math.min(target.width(), left + width);
        int y1 = Math.min(target.height(), top + height);
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                target.set(x, y, (rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF);
            }
        }
    }
}
