package io.quantlane.nn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A save killed midway (SIGKILL, in another JVM) leaves the previous file whole: after every kill the file
 * loads, passes its checksum, and holds exactly one of the models that were saved to it.
 */
class InterruptedSaveTest {

    /** About 1.3 million parameters (5 MB), so that a kill often lands inside a write. */
    static final Mlp SPEC = Mlp.input(256).dense(1024).relu().dense(1024).relu().dense(1);

    @TempDir
    Path dir;

    /** The child: saves the models of seeds 1 and 2 to args[0] in turn, forever, saying "saved" after each. */
    public static void main(String[] args) throws IOException {
        Path path = Path.of(args[0]);
        Model[] models = new Model[2];
        for (int i = 0; i < 2; i++) {
            try (Network net = Network.create(SPEC, i + 1)) {
                models[i] = net.toModel();
            }
        }
        System.out.println("ready");
        for (int n = 0; ; n++) {
            ModelFile.save(models[n % 2], path);
            System.out.println("saved");
        }
    }

    @Test
    void aKilledSaveLeavesAWholeFile() throws Exception {
        Path file = dir.resolve("model.qlm");
        List<MemorySegment> known = new ArrayList<>();
        for (long seed = 0; seed <= 2; seed++) {
            try (Network net = Network.create(SPEC, seed); Model m = net.toModel()) {
                known.add(MemorySegment.ofArray(m.parameters().toArray(java.lang.foreign.ValueLayout.JAVA_FLOAT)));
                if (seed == 0) {
                    ModelFile.save(m, file);   // the file before any interrupted save
                }
            }
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add("--add-modules=jdk.incubator.vector");
        }
        command.addAll(List.of(InterruptedSaveTest.class.getName(), file.toString()));
        Random rnd = new Random(3);
        int[] seen = new int[3];
        for (int kill = 0; kill < 6; kill++) {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null && !line.equals("ready")) {
                // JVM warnings before the child is ready
            }
            assertEquals("ready", line, "the child did not start");
            Thread.sleep(20 + rnd.nextInt(400));   // somewhere in the middle of a save, or between two
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
            try (Model m = ModelFile.load(file)) {   // verifies magic, lengths and CRC32C first
                int which = -1;
                for (int k = 0; k < known.size(); k++) {
                    if (m.parameters().mismatch(known.get(k)) == -1) {
                        which = k;
                    }
                }
                assertTrue(which >= 0, "after kill " + kill + " the file holds a model nobody saved");
                seen[which]++;
            }
        }
        long midway;
        try (var leftovers = Files.list(dir)) {
            // a killed save can leave its hidden temporary file behind (a kill inside a save); never the target
            // half-written
            List<Path> others = leftovers.filter(p -> !p.equals(file)).toList();
            assertTrue(others.stream().allMatch(p -> p.getFileName().toString().startsWith(".model.qlm.")), "" + others);
            midway = others.size();
        }
        System.out.println("interrupted saves: the file held the models of seeds 0, 1, 2 this often: "
                + Arrays.toString(seen) + "; " + midway + " of 6 kills landed inside a save");
    }
}
