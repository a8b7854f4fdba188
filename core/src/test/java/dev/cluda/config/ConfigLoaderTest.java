package dev.cluda.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private File write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toFile();
    }

    @Test
    void load_fileOverridesDefaultsAndSetOverridesFile() throws IOException {
        File f = write("exp.conf", "synth.width = 64\nsynth.height = 32\n");
        Settings s = ConfigLoader.load(f, List.of("synth.height=48", "data.source.root=s3a://bucket/gta v5"));
        assertEquals(64, s.integer("synth.width", 1, 10000));
        assertEquals(48, s.integer("synth.height", 1, 10000));
        assertEquals("s3a://bucket/gta v5", s.string("data.source.root"));
        assertEquals(300, s.integer("synth.sourceImages", 0, 1_000_000), "untouched key keeps its default");
    }

    @Test
    void load_laterSetWinsOverEarlierSet() {
        Settings s = ConfigLoader.load(null, List.of("synth.seed=1", "synth.seed=2"));
        assertEquals(2, s.integer("synth.seed", 0, Integer.MAX_VALUE));
    }

    @Test
    void load_fileIncludesABase() throws IOException {
        write("base.conf", "synth.width = 96\nsynth.height = 40\n");
        File f = write("exp.conf", "include \"base.conf\"\nsynth.height = 50\n");
        Settings s = ConfigLoader.load(f, List.of());
        assertEquals(96, s.integer("synth.width", 1, 10000));
        assertEquals(50, s.integer("synth.height", 1, 10000));
    }

    @Test
    void load_unknownKeyInFile_namesKeyAndFile() throws IOException {
        File f = write("typo.conf", "synth.widht = 64\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("synth.widht"), e.getMessage());
        assertTrue(e.getMessage().contains("typo.conf"), e.getMessage());
    }

    @Test
    void load_unknownKeyInSet_isRejected() {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("train.itres=3")));
        assertTrue(e.getMessage().contains("train.itres"), e.getMessage());
    }

    @Test
    void load_setWithoutEquals_isRejected() {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("synth.seed")));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void load_missingFile_namesIt() {
        File missing = dir.resolve("nope.conf").toFile();
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(missing, List.of()));
        assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
    }

    @Test
    void settings_wrongTypeAndOutOfRange_nameKeyAndOrigin() throws IOException {
        File f = write("bad.conf", "synth.width = wide\nsynth.height = -3\n");
        Settings s = ConfigLoader.load(f, List.of());
        ConfigError type = assertThrows(ConfigError.class, () -> s.integer("synth.width", 1, 100));
        assertTrue(type.getMessage().contains("synth.width") && type.getMessage().contains("bad.conf"), type.getMessage());
        ConfigError range = assertThrows(ConfigError.class, () -> s.integer("synth.height", 1, 100));
        assertTrue(range.getMessage().contains("synth.height") && range.getMessage().contains("-3"), range.getMessage());
    }

    @Test
    void settings_choice_listsAcceptedValues() {
        Settings s = ConfigLoader.load(null, List.of("data.onBadSample=ignore"));
        ConfigError e = assertThrows(ConfigError.class, () -> s.choice("data.onBadSample", List.of("fail", "skip")));
        assertTrue(e.getMessage().contains("[fail, skip]"), e.getMessage());
    }

    @Test
    void render_roundTripsThroughTheLoader() throws IOException {
        Settings s = ConfigLoader.load(null, List.of("synth.seed=7"));
        File f = write("config.conf", ConfigLoader.render(s.config()));
        assertEquals(7, ConfigLoader.load(f, List.of()).integer("synth.seed", 0, 100));
    }

    @Test
    void load_missingInclude_isAnErrorNamingIt() throws IOException {
        File f = write("exp.conf", "include \"synthetc.conf\"\ntrain.iters = 10\n");
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(f, List.of()));
        assertTrue(e.getMessage().contains("synthetc.conf"), e.getMessage());
    }

    @Test
    void load_existingInclude_isRead() throws IOException {
        write("base.conf", "synth.width = 80\n");
        File f = write("exp.conf", "include \"base.conf\"\nsynth.height = 40\n");
        Settings s = ConfigLoader.load(f, List.of());
        assertEquals(80, s.integer("synth.width", 1, 10000));
        assertEquals(40, s.integer("synth.height", 1, 10000));
    }

    @Test
    void load_misspelledKey_suggestsTheNearestKnownKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("train.itres=3")));
        assertTrue(e.getMessage().contains("did you mean train.iters?"), e.getMessage());
        ConfigError far = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(null, List.of("completely.unrelated.thing=3")));
        assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
    }

    @Test
    void read_wrongType_showsTheBadValue() {
        Settings s = ConfigLoader.load(null, List.of("train.iters=abc"));
        ConfigError e = assertThrows(ConfigError.class, () -> s.integer("train.iters", 1, 100));
        assertTrue(e.getMessage().contains("train.iters") && e.getMessage().contains("abc"), e.getMessage());
    }

    @Test
    void parse_renderedText_givesTheSameConfiguration() {
        Settings s = ConfigLoader.load(null, List.of("synth.seed=9", "data.source.root=s3a://b/x y"));
        Settings back = ConfigLoader.parse(ConfigLoader.render(s.config()), "the driver's configuration");
        assertEquals(s.config().root(), back.config().root());
        ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.parse("train.itres = 3", "the driver"));
        assertTrue(e.getMessage().contains("the driver"), e.getMessage());
    }

    @Test
    void load_fromARemoteStore_readsTheFileAndItsIncludeThroughTheStore() throws IOException {
        Files.writeString(dir.resolve("base.conf"), "train.iters = 7\nmodel.encoder = mit_b1\n");
        Files.writeString(dir.resolve("exp.conf"), "include \"base.conf\"\nmodel.encoder = mit_b2\n");
        dev.cluda.io.RemoteLikeStore store = new dev.cluda.io.RemoteLikeStore();
        Settings s = ConfigLoader.load(store, dir.resolve("exp.conf").toString(), List.of("train.lr=1e-3"));
        assertEquals(7, s.config().getInt("train.iters"));
        assertEquals("mit_b2", s.config().getString("model.encoder"));
        assertEquals(1e-3, s.config().getDouble("train.lr"), 0);
        assertEquals(List.of(dir.resolve("exp.conf").toString(), dir.resolve("base.conf").toString()), store.opened());
    }

    @Test
    void load_fromARemoteStore_missingIncludeOrFileIsAnErrorNamingIt() throws IOException {
        Files.writeString(dir.resolve("typo.conf"), "include \"bsae.conf\"\n");
        dev.cluda.io.RemoteLikeStore store = new dev.cluda.io.RemoteLikeStore();
        ConfigError e = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(store, dir.resolve("typo.conf").toString(), List.of()));
        assertTrue(e.getMessage().contains("bsae.conf"), e.getMessage());
        ConfigError missing = assertThrows(ConfigError.class,
                () -> ConfigLoader.load(store, dir.resolve("nope.conf").toString(), List.of()));
        assertTrue(missing.getMessage().contains("nope.conf"), missing.getMessage());
    }
}
