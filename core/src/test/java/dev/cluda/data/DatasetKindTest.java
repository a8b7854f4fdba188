package dev.cluda.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DatasetKindTest {

    @Test
    void parse_configValues_giveEachKind() {
        assertEquals(DatasetKind.GTA5, DatasetKind.parse("gta5"));
        assertEquals(DatasetKind.SYNTHIA, DatasetKind.parse("synthia"));
        assertEquals(DatasetKind.CITYSCAPES, DatasetKind.parse(" Cityscapes "));
    }

    @Test
    void parse_unknownValue_listsAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DatasetKind.parse("gta"));
        assertEquals("unknown dataset 'gta'; accepted values: gta5, synthia, cityscapes", e.getMessage());
    }

    @Test
    void reader_eachKind_givesItsReaderAndTable() {
        assertInstanceOf(Gta5Reader.class, DatasetKind.GTA5.reader());
        assertInstanceOf(SynthiaReader.class, DatasetKind.SYNTHIA.reader());
        assertInstanceOf(CityscapesReader.class, DatasetKind.CITYSCAPES.reader());
        assertEquals(33, DatasetKind.GTA5.reader().mapping().maxValidId());
        assertEquals(22, DatasetKind.SYNTHIA.reader().mapping().maxValidId());
        assertSame(DatasetKind.CITYSCAPES, DatasetKind.parse(DatasetKind.CITYSCAPES.configName()));
    }
}
