package dev.cluda.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cluda.data.LabelMap;
import dev.cluda.data.PngCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end: {@code cluda eval --pred} on the genuine Cityscapes fixture frame. */
class EvalCommandTest {

    private static final Path FIXTURE = Path.of(System.getProperty("cluda.shared.dir"), "fixtures", "cityscapes");
    private static final String FRAME = "frankfurt_000000_000294";

    @TempDir
    Path dir;

    private Path trainIds() {
        return FIXTURE.resolve("gtFine/val/frankfurt/" + FRAME + "_gtFine_labelTrainIds.png");
    }

    @Test
    void eval_groundTruthAsPrediction_scoresNearly100AndWritesEvalJson() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Files.copy(trainIds(), pred.resolve(FRAME + "_leftImg8bit.png"));
        CliRunner.Result r = CliRunner.run("eval", "--pred", pred.toString(), "--dataset", "cityscapes",
                "--root", FIXTURE.toString(), "--split", "val", "--out", dir.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("road"), r.out());
        JsonNode json = new ObjectMapper().readTree(dir.resolve("out/eval.json").toFile());
        assertEquals(1, json.get("num_images").asInt());
        // labelTrainIds and labelIds were downscaled separately: 77 boundary pixels differ.
        double miou = json.get("mIoU").asDouble();
        assertTrue(miou > 95 && miou < 100, "mIoU " + miou);
        assertTrue(json.get("classes").get("road").asDouble() > 99);
    }

    @Test
    void eval_allRoadPrediction_givesRoadIouBelowOneHundred() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("pred"));
        LabelMap gt;
        try (InputStream in = Files.newInputStream(trainIds())) {
            gt = PngCodec.readLabel8(in, "gt");
        }
        LabelMap road = new LabelMap(gt.width(), gt.height(), new byte[gt.width() * gt.height()]);
        try (OutputStream out = Files.newOutputStream(pred.resolve(FRAME + "_leftImg8bit.png"))) {
            PngCodec.writeGray8(road, out);
        }
        CliRunner.Result r = CliRunner.run("eval", "--pred", pred.toString(), "--dataset", "cityscapes",
                "--root", FIXTURE.toString(), "--out", dir.resolve("out").toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode classes = new ObjectMapper().readTree(dir.resolve("out/eval.json").toFile()).get("classes");
        long roadPixels = 0;
        for (byte b : gt.ids()) {
            roadPixels += b == 0 ? 1 : 0;
        }
        // Everything predicted road: IoU(road) = road GT pixels / all labelled pixels.
        long labelled = 0;
        for (byte b : gt.ids()) {
            labelled += (b & 0xFF) != 255 ? 1 : 0;
        }
        assertEquals(100.0 * roadPixels / labelled, classes.get("road").asDouble(), 1.0);
        assertEquals(0.0, classes.get("car").asDouble(), 1e-9);
    }

    @Test
    void eval_missingPrediction_exitsTwoNamingTheFile() throws IOException {
        Path pred = Files.createDirectories(dir.resolve("empty"));
        CliRunner.Result r = CliRunner.run("eval", "--pred", pred.toString(), "--dataset", "cityscapes",
                "--root", FIXTURE.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains(FRAME + "_leftImg8bit.png"), r.err());
    }

    @Test
    void eval_existingEvalJson_isNotOverwrittenWithoutFlag() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("eval.json"), "keep");
        Path pred = Files.createDirectories(dir.resolve("pred"));
        Files.copy(trainIds(), pred.resolve(FRAME + "_leftImg8bit.png"));
        CliRunner.Result r = CliRunner.run("eval", "--pred", pred.toString(), "--dataset", "cityscapes",
                "--root", FIXTURE.toString(), "--out", out.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--overwrite"), r.err());
        assertEquals("keep", Files.readString(out.resolve("eval.json")));
    }

    @Test
    void eval_unknownDataset_listsAcceptedKinds() {
        CliRunner.Result r = CliRunner.run("eval", "--pred", "x", "--dataset", "kitti", "--root", "y", "--out",
                dir.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("gta5, synthia, cityscapes"), r.err());
    }
}
