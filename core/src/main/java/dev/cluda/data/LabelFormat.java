package dev.cluda.data;

import dev.cluda.data.PngCodec.PngHeader;

/**
 * The PNG a dataset's label files must be, checked from the file's header before decoding, so
 * a JPEG or a colour rendering saved under a label's name is a {@link BadSampleException} (and
 * {@code data.onBadSample=skip} applies) rather than labels read from the wrong numbers.
 */
enum LabelFormat {

    /** GTA5 {@code labels/}: 8-bit palette PNGs whose index is the label id (8-bit grayscale reads the same ids). */
    GTA5("GTA5 labels are 8-bit palette PNGs whose palette index is the label id") {
        @Override
        boolean accepts(PngHeader h) {
            return (h.colourType() == 3 && h.bitDepth() <= 8) || (h.colourType() == 0 && h.bitDepth() == 8);
        }
    },

    /** Cityscapes {@code gtFine/*_labelIds.png}: 8-bit grayscale. */
    CITYSCAPES_LABEL_IDS("Cityscapes *_gtFine_labelIds.png are 8-bit grayscale PNGs") {
        @Override
        boolean accepts(PngHeader h) {
            return h.colourType() == 0 && h.bitDepth() == 8;
        }
    },

    /** SYNTHIA {@code GT/LABELS}: 16-bit PNGs (three channels as shipped) with the class id in the first. */
    SYNTHIA_LABELS("SYNTHIA GT/LABELS are 16-bit RGB PNGs with the class id in the first channel") {
        @Override
        boolean accepts(PngHeader h) {
            return h.bitDepth() == 16;
        }

        @Override
        String problem(PngHeader h) {
            // Keeps the wording of PngCodec.readLabel16Band0, which the same files used to fail with.
            return "label PNG has bit depth " + h.bitDepth() + " and colour type " + h.colourType() + " ("
                    + h.colourTypeName() + "); expected a 16-bit label PNG (SYNTHIA GT/LABELS), found "
                    + h.bitDepth() + "-bit samples; " + rule;
        }
    };

    final String rule;

    LabelFormat(String rule) {
        this.rule = rule;
    }

    abstract boolean accepts(PngHeader header);

    /** Why a label with this header is refused. */
    String problem(PngHeader h) {
        return "label PNG has bit depth " + h.bitDepth() + " and colour type " + h.colourType() + " ("
                + h.colourTypeName() + "), found " + h.channels() + " channel(s) of " + h.bitDepth()
                + "-bit samples; expected an 8-bit single-channel label PNG: " + rule;
    }

    /**
     * Checks a label file from its first {@link PngCodec#HEADER_LENGTH} bytes.
     *
     * @throws BadSampleException naming {@code file} if it is not a PNG or not of this format
     */
    PngHeader check(byte[] start, String file) throws BadSampleException {
        PngHeader header = PngCodec.header(start, file);
        if (!accepts(header)) {
            throw new BadSampleException(file, problem(header));
        }
        return header;
    }
}
