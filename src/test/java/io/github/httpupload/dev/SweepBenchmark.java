package io.github.httpupload.dev;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.storage.AlreadyStoredException;
import io.github.httpupload.storage.FileDeletedException;
import io.github.httpupload.storage.LocalStorage;
import io.github.httpupload.storage.NewFile;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageSettings;
import io.github.httpupload.testsupport.StorageLayout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Storage#sweep} of a {@link LocalStorage} and the start-up count of
 * {@link LocalStorage#open} cost with many stored files, against walks that only stat the same tree. Not a test: run it by hand, normally
 * through {@code bench/sweep.sh}, which also documents the output (see bench/README.md).
 *
 * <pre>
 * SweepBenchmark STORAGE_DIR [N=100000] [SIZE=1024] [ROUNDS=3]
 * </pre>
 *
 * <p>{@code STORAGE_DIR} is filled with N files of SIZE bytes (fsync off), every tenth with a
 * per-file expiry of {@value #EXPIRES} (as a Bearer token's {@code expires} sets it), unless it
 * already holds exactly that population from an earlier run. It must be empty or such an earlier
 * store; nothing else in it is touched. Sweeps run with {@code expireAfter} 36500 days (and the
 * tombstone retention the service derives from it), so a sweep by a store on the real clock
 * expires nothing and a sweep by a store whose clock is fixed at {@value #EXPIRES} expires exactly
 * the tenth; after each of those the deleted files are stored again (on the real clock) and their
 * tombstones removed, so every round sees the same N files.
 *
 * <p>Each operation runs ROUNDS times after one unmeasured warm-up round (JIT, page cache), with
 * {@code sync} before each; the median round by wall time is reported. CPU is user + system time
 * of the whole JVM (all threads: GC and JIT too; {@code /proc/self/stat} utime, stime), for
 * {@code du} the child's (cutime, cstime once it is reaped); both in clock ticks (10 ms). As root, with
 * {@code /proc/sys/vm/drop_caches} writable, one round of some operations also runs after
 * {@code sync; echo 3 > drop_caches} (cold page, dentry and inode caches) unless
 * {@code -Dsweepbench.cold=false}: that empties the page cache of the whole machine.
 *
 * <p>Progress goes to stderr, the markdown report to stdout.
 */
public final class SweepBenchmark {

    private static final String EXPIRES = "2100-01-01T00:00:00Z";
    private static final Instant EXPIRES_AT = Instant.parse(EXPIRES);
    /** Longer than anything here lives: set, so the sweep takes the service's expireAfter path. */
    private static final Duration KEEP = Duration.ofDays(36_500);
    private static final int EXPIRING_EVERY = 10;
    private static final int HEADER = 4096;
    private static final String MARKER = "sweep-benchmark.txt";
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");


    private final Path dir;
    private final Path files;
    private final int n;
    private final int size;
    private final int rounds;
    private final long clockTick;
    private final byte[] content;

    private SweepBenchmark(Path dir, int n, int size, int rounds) throws Exception {
        this.dir = dir;
        this.files = dir.resolve("files");
        this.n = n;
        this.size = size;
        this.rounds = rounds;
        this.clockTick = Long.parseLong(run("getconf", "CLK_TCK").trim());
        this.content = new byte[size];
        new SecureRandom().nextBytes(content);
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 4) {
            System.err.println("usage: SweepBenchmark STORAGE_DIR [N=100000] [SIZE=1024] [ROUNDS=3]");
            System.exit(2);
        }
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        if (n < EXPIRING_EVERY || size < 0 || rounds < 1) {
            System.err.println("N must be at least " + EXPIRING_EVERY + ", SIZE 0 or more, ROUNDS at least 1");
            System.exit(2);
        }
        new SweepBenchmark(Path.of(args[0]).toAbsolutePath(), n, size, rounds).run();
    }

    // -------------------------------------------------------------------------------------------
    // Settings of the stores measured.

    /** Population and restores: fsync off (the brief's and the fastest way to N files). */
    private StorageSettings populating() {
        return StorageSettings.in(dir).withFsync(false);
    }

    /** Sweeps: expireAfter set, tombstone retention derived from it as StorageSettings.from does. */
    private StorageSettings sweeping(boolean fsync) {
        return StorageSettings.in(dir).withFsync(fsync).withExpireAfter(KEEP).withTombstoneRetention(KEEP);
    }

    /** Opens the store as the service does at start (layout, tmp/ clean-up, probe, count) and closes it. */
    private Object openOnly() throws IOException {
        try (LocalStorage ignored = LocalStorage.open(sweeping(false), Clock.systemUTC())) {
            return null;
        }
    }

    // -------------------------------------------------------------------------------------------

    private void run() throws Exception {
        populate();
        int expiring = expiringCount();

        Row du = new Row("reference: `du -s --apparent-size` (external; 1 lstat per file)");
        Row walk = new Row("reference: Java `Files.walkFileTree` (1 lstat per file)");
        Row walkRead = new Row("decomposition: Java walk + open, 4 KiB read, close per file");
        Row open = new Row("(a) `LocalStorage.open` (start-up count)");
        Row sweepNone = new Row("(b) sweep, nothing expired");
        Row sweepTenth = new Row("(c) sweep, 10 % expired, fsync=false");
        Row sweepTenthSync = new Row("(c) sweep, 10 % expired, fsync=true (service default)");
        List<Row> warm = List.of(du, walk, walkRead, open, sweepNone, sweepTenth, sweepTenthSync);

        for (int round = 0; round <= rounds; round++) {
            boolean measured = round > 0;
            progress(measured ? "round " + round + " of " + rounds : "warm-up round (not reported)");
            du.add(measured, du());
            walk.add(measured, javaOp(this::walk));
            walkRead.add(measured, javaOp(this::walkAndRead));
            open.add(measured, javaOp(this::openOnly));
            sweepNone.add(measured, sweep(false, Clock.systemUTC(), 0, false));
        }
        for (boolean fsync : new boolean[] {false, true}) {
            Row row = fsync ? sweepTenthSync : sweepTenth;
            for (int round = 1; round <= rounds; round++) {
                progress("sweep expiring " + expiring + " files, fsync=" + fsync + ", round " + round + " of " + rounds);
                row.add(true, sweep(fsync, Clock.fixed(EXPIRES_AT, ZoneOffset.UTC), expiring, false));
                restore();
            }
        }

        List<Row> cold = new ArrayList<>();
        String coldNote;
        if (!Boolean.parseBoolean(System.getProperty("sweepbench.cold", "true"))) {
            coldNote = "Cold cache: skipped (COLD=0, -Dsweepbench.cold=false).";
        } else if (!isRoot()) {
            coldNote = "Cold cache: skipped (not running as root).";
        } else if (!Files.isWritable(DROP_CACHES)) {
            coldNote = "Cold cache: skipped (" + DROP_CACHES + " is not writable here).";
        } else {
            Row duCold = new Row("cold: `du -s --apparent-size`");
            Row walkCold = new Row("cold: Java walk");
            Row openCold = new Row("cold: (a) `LocalStorage.open`");
            Row sweepCold = new Row("cold: (b) sweep, nothing expired");
            progress("cold cache: one round each, caches dropped before each");
            dropCaches();
            duCold.add(true, du());
            dropCaches();
            walkCold.add(true, javaOp(this::walk));
            dropCaches();
            openCold.add(true, javaOp(this::openOnly));
            sweepCold.add(true, sweep(false, Clock.systemUTC(), 0, true));
            cold.addAll(List.of(duCold, walkCold, openCold, sweepCold));
            coldNote = "Cold cache: one round each, after `sync; echo 3 > /proc/sys/vm/drop_caches` (page cache, dentries and"
                    + " inodes) before each; ratios against the cold references.";
        }

        report(warm, cold, coldNote, expiring);
    }

    // -------------------------------------------------------------------------------------------
    // Population.

    private String slotPath(int i) {
        return "sweep-bench/" + i + "/file-" + i + ".bin";
    }

    private SlotPath slot(int i) {
        try {
            return SlotPath.parse(slotPath(i));
        } catch (InvalidSlotPathException e) {
            throw new IllegalStateException(e); // plain ASCII segments: cannot happen
        }
    }

    private static boolean expiring(int i) {
        return i % EXPIRING_EVERY == 0;
    }

    private int expiringCount() {
        return (n + EXPIRING_EVERY - 1) / EXPIRING_EVERY;
    }

    /**
     * Fills the store, or leaves it when it already holds this population. The marker is written
     * first, so an interrupted population (or restore) is completed by the next run, not refused.
     */
    private void populate() throws Exception {
        Files.createDirectories(dir);
        Path marker = dir.resolve(MARKER);
        String spec = "n=" + n + " size=" + size + " expires=" + EXPIRES + " every=" + EXPIRING_EVERY + "\n";
        boolean ours = Files.isRegularFile(marker) && Files.readString(marker).equals(spec);
        int count = countStoredFiles();
        if (ours && count == n) {
            progress(dir + " already holds the " + n + " files: population skipped");
            return;
        }
        if (!ours) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    throw new IOException(dir + " is neither empty nor a store of this benchmark with N=" + n + ", SIZE=" + size
                            + " (" + MARKER + " says otherwise or is missing); give an empty directory");
                }
            }
            Files.writeString(marker, spec);
        } else if (count > n) {
            throw new IOException(dir + " holds " + count + " stored files, more than N=" + n + "; give an empty directory");
        }
        progress("storing " + n + " files of " + size + " bytes in " + dir + (count > 0 ? " (" + count + " there already)" : ""));
        long start = System.nanoTime();
        int stored = 0;
        try (LocalStorage store = LocalStorage.open(populating(), Clock.systemUTC())) {
            for (int i = 0; i < n; i++) {
                if (storeOne(store, i)) {
                    stored++;
                }
                if ((i + 1) % Math.max(1, n / 10) == 0) {
                    progress(String.format(Locale.ROOT, "  %d of %d (%.0f s)", i + 1, n, (System.nanoTime() - start) / 1e9));
                }
            }
        }
        run("sync");
        count = countStoredFiles();
        if (count != n) {
            throw new IOException("after storing " + stored + " files the store holds " + count + ", not " + n);
        }
        progress(String.format(Locale.ROOT, "stored %d files in %.1f s", stored, (System.nanoTime() - start) / 1e9));
    }

    /** Stores file {@code i} unless it is there; removes its tombstone first if it has one. */
    private boolean storeOne(Storage store, int i) throws IOException {
        boolean expiring = expiring(i);
        NewFile file = new NewFile(slot(i), size, "application/octet-stream",
                expiring ? "user@example.org" : null, expiring ? EXPIRES_AT : null);
        try {
            store.store(file, new ByteArrayInputStream(content));
            return true;
        } catch (AlreadyStoredException e) {
            return false;
        } catch (FileDeletedException e) {
            Files.delete(tombstone(i));
            store.store(file, new ByteArrayInputStream(content));
            return true;
        }
    }

    /** After a sweep at EXPIRES_AT: the expired tenth stored again, their tombstones gone. */
    private void restore() throws Exception {
        long start = System.nanoTime();
        for (int i = 0; i < n; i += EXPIRING_EVERY) {
            Files.deleteIfExists(tombstone(i));
        }
        int stored = 0;
        try (LocalStorage store = LocalStorage.open(populating(), Clock.systemUTC())) {
            for (int i = 0; i < n; i += EXPIRING_EVERY) {
                if (storeOne(store, i)) {
                    stored++;
                }
            }
        }
        run("sync");
        int count = countStoredFiles();
        if (count != n) {
            throw new IOException("after a restore the store holds " + count + " files, not " + n);
        }
        progress(String.format(Locale.ROOT, "  restored %d files in %.1f s", stored, (System.nanoTime() - start) / 1e9));
    }

    private Path tombstone(int i) {
        return StorageLayout.tombstone(dir, slotPath(i));
    }

    private int countStoredFiles() throws IOException {
        if (!Files.isDirectory(files)) {
            return 0;
        }
        int count = 0;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(files)) {
            for (Path shard : shards) {
                if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                    for (Path ignored : entries) {
                        count++;
                    }
                }
            }
        }
        return count;
    }

    // -------------------------------------------------------------------------------------------
    // The operations.

    /**
     * One sweep by a freshly opened store whose clock says {@code clock}; checks that it deleted
     * exactly what it should have. {@code cold}: caches dropped after the open (whose count would
     * warm the inodes again).
     */
    private Sample sweep(boolean fsync, Clock clock, int expectDeleted, boolean cold) throws Exception {
        Storage.SweepResult[] result = new Storage.SweepResult[1];
        Sample sample;
        try (LocalStorage store = LocalStorage.open(sweeping(fsync), clock)) {
            if (cold) {
                dropCaches();
            }
            sample = javaOp(() -> result[0] = store.sweep());
        }
        Storage.SweepResult r = result[0];
        if (r.deleted() != expectDeleted || r.kept() != n - expectDeleted || r.tombstonesPurged() != 0) {
            throw new IllegalStateException("unexpected sweep result " + r + " (expected " + expectDeleted + " deleted of " + n + ")");
        }
        return sample;
    }

    private long walk() throws IOException {
        long[] total = {0, 0};
        Files.walkFileTree(files, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile()) {
                    total[0] += attributes.size();
                    total[1]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        check(total[1]);
        return total[0];
    }

    /** What the sweep does per file at the system-call level, without the store's own code. */
    private long walkAndRead() throws IOException {
        long[] total = {0, 0};
        Files.walkFileTree(files, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isRegularFile()) {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                        total[0] += channel.read(ByteBuffer.allocate(HEADER), 0);
                    }
                    total[1]++;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        check(total[1]);
        return total[0];
    }

    private void check(long files) {
        if (files != n) {
            throw new IllegalStateException("the walk found " + files + " files, not " + n);
        }
    }

    /** du in a child process: wall time, and its CPU from the clock ticks reaped into cutime/cstime. */
    private Sample du() throws Exception {
        run("sync");
        long[] before = cpuTicks();
        long start = System.nanoTime();
        String out = run("du", "-s", "--apparent-size", "-B1", files.toString());
        long wall = System.nanoTime() - start;
        long[] after = cpuTicks();
        long expected = (long) n * (HEADER + size);
        long reported = Long.parseLong(out.split("\\s+")[0]);
        if (reported < expected) {
            throw new IllegalStateException("du reports " + reported + " bytes, expected at least " + expected);
        }
        return new Sample(wall, after[2] - before[2], after[3] - before[3], 0);
    }

    private interface Op {
        Object run() throws Exception;
    }

    /** Runs {@code op} on this thread after a sync: wall time, the JVM's user and system time, GC time. */
    private static Sample javaOp(Op op) throws Exception {
        run("sync");
        long gc = gcMillis();
        long[] before = cpuTicks();
        long start = System.nanoTime();
        op.run();
        long wall = System.nanoTime() - start;
        long[] after = cpuTicks();
        return new Sample(wall, after[0] - before[0], after[1] - before[1], gcMillis() - gc);
    }

    private static long gcMillis() {
        long total = 0;
        for (GarbageCollectorMXBean bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, bean.getCollectionTime());
        }
        return total;
    }

    /** This process's utime, stime, cutime and cstime (reaped children): fields 14 to 17 of /proc/self/stat. */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long[] ticks = new long[4];
        for (int i = 0; i < 4; i++) {
            ticks[i] = Long.parseLong(fields[14 - 3 + i]);
        }
        return ticks;
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0"); // effective uid
            }
        }
        return false;
    }

    private static void dropCaches() throws Exception {
        run("sync");
        Files.writeString(DROP_CACHES, "3\n");
    }

    /** Runs a command, returns its standard output; fails on a non-zero exit. */
    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = process.waitFor();
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " exited with " + status);
        }
        return out;
    }

    private static void progress(String message) {
        System.err.printf(Locale.ROOT, "[%tT] %s%n", System.currentTimeMillis(), message);
    }

    // -------------------------------------------------------------------------------------------
    // The report.

    /** One measurement: wall nanoseconds; user and system clock ticks of the whole JVM (or of du). */
    private record Sample(long wall, long userTicks, long sysTicks, long gcMillis) {
    }

    private static final class Row {
        final String name;
        final List<Sample> samples = new ArrayList<>();

        Row(String name) {
            this.name = name;
        }

        void add(boolean measured, Sample sample) {
            if (measured) {
                samples.add(sample);
            }
        }

        /** The median round by wall time (of an even count, the lower middle one). */
        Sample median() {
            List<Sample> sorted = new ArrayList<>(samples);
            sorted.sort(Comparator.comparingLong(Sample::wall));
            return sorted.get((sorted.size() - 1) / 2);
        }
    }

    private void report(List<Row> warm, List<Row> cold, String coldNote, int expiring) {
        StringBuilder out = new StringBuilder();
        double mib = (double) n * (HEADER + size) / (1024 * 1024);
        out.append(String.format(Locale.ROOT, "### N = %d files (%d bytes of content + the 4 KiB header each, %.0f MiB)%n%n", n, size, mib));
        out.append("| N | operation | wall ms | files/s | µs per file | CPU ms per 1000 files | sys share | × du | × Java walk | rounds, wall ms |\n");
        out.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
        table(out, warm);
        table(out, cold);
        out.append('\n');

        Sample none = warm.get(4).median();
        Sample tenth = warm.get(5).median();
        Sample tenthSync = warm.get(6).median();
        out.append(String.format(Locale.ROOT,
                "- Deleting (c minus b, per deleted file; %d deleted each round): %.1f µs with fsync=false, %.0f µs with fsync=true.%n",
                expiring, (tenth.wall() - none.wall()) / 1e3 / expiring, (tenthSync.wall() - none.wall()) / 1e3 / expiring));
        out.append(String.format(Locale.ROOT, "- GC time during (b), median round: %d ms. %s%n", none.gcMillis(), coldNote));
        out.append(String.format(Locale.ROOT,
                "- %d measured round(s) after one warm-up round (median by wall time); every (b) kept %d files and deleted none,"
                        + " every (c) deleted %d and wrote as many tombstones.%n",
                rounds, n, expiring));
        System.out.print(out);
        System.out.flush();
    }

    private void table(StringBuilder out, List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        double duWall = rows.get(0).median().wall();
        double walkWall = rows.get(1).median().wall();
        for (Row row : rows) {
            Sample s = row.median();
            StringBuilder all = new StringBuilder();
            for (Sample each : row.samples) {
                all.append(all.length() == 0 ? "" : ", ").append(Math.round(each.wall() / 1e6));
            }
            out.append(String.format(Locale.ROOT, "| %d | %s | %.0f | %.0f | %.1f | %.1f | %.0f %% | %.2f | %.2f | %s |%n",
                    n, row.name, s.wall() / 1e6, n / (s.wall() / 1e9), s.wall() / 1e3 / n,
                    (s.userTicks() + s.sysTicks()) * 1000.0 / clockTick * 1000 / n,
                    s.userTicks() + s.sysTicks() == 0 ? 0 : 100.0 * s.sysTicks() / (s.userTicks() + s.sysTicks()),
                    s.wall() / duWall, s.wall() / walkWall, all));
        }
    }
}
