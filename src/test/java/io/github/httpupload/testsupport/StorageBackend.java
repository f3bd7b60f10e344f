package io.github.httpupload.testsupport;

import io.github.httpupload.config.Parameters;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The storage backend an HTTP contract suite runs on. Each server a test starts gets a fresh,
 * empty {@link Store}: a directory in the test's sandbox, or a new bucket on the shared S3Proxy.
 * A store also lets a test look at what is stored behind the service's back.
 */
public enum StorageBackend {

    LOCAL {
        @Override
        public Store newStore(Path sandbox, String name) {
            return new LocalStore(sandbox.resolve(name));
        }
    },

    S3 {
        @Override
        public Store newStore(Path sandbox, String name) throws Exception {
            S3ProxyServer s3 = S3ProxyServer.shared();
            return new S3Store(s3, s3.newBucket());
        }
    };

    /** A new, empty store; locally the directory {@code sandbox/name}, on S3 a new bucket. */
    public abstract Store newStore(Path sandbox, String name) throws Exception;

    /** One store: the context parameters that select it, and a view of what it holds. */
    public interface Store {

        /** The context parameters that make the service use this store. */
        Map<String, String> parameters();

        /** {@link #parameters()} together with {@code others}. */
        default Map<String, String> parametersWith(Map<String, String> others) {
            Map<String, String> all = new HashMap<>(others);
            all.putAll(parameters());
            return all;
        }

        /** Whether the store holds a file (expired or not) for the decoded slot path. */
        boolean holdsFile(String slotPath) throws IOException;

        /** The stored file's metadata as text, to look for a value in (locally the whole file). */
        String metadataText(String slotPath) throws IOException;

        /** Everything the store holds, sorted: paths under the directory, or the bucket's keys. */
        List<String> contents() throws IOException;

        /** The stored files alone (no tombstones, markers or directories), sorted. */
        List<String> storedFiles() throws IOException;

        /** Fails if an upload's partial bytes are kept anywhere. */
        void assertNothingPartial() throws IOException;

        /** Waits, boundedly, for uploads in progress to end and leave nothing partial. */
        void awaitNothingPartial() throws Exception;

        /** How the service names this store (in its log and its sweeper thread's name). */
        String name();
    }

    /** The documented directory layout (README, Storage layout); partial uploads live in tmp/. */
    private record LocalStore(Path directory) implements Store {

        @Override
        public Map<String, String> parameters() {
            return Map.of(Parameters.STORAGE_DIR, directory.toString());
        }

        @Override
        public boolean holdsFile(String slotPath) {
            return Files.exists(StorageLayout.storedFile(directory, slotPath));
        }

        @Override
        public String metadataText(String slotPath) throws IOException {
            return new String(Files.readAllBytes(StorageLayout.storedFile(directory, slotPath)), StandardCharsets.UTF_8);
        }

        @Override
        public List<String> contents() throws IOException {
            return walk(directory, path -> true);
        }

        @Override
        public List<String> storedFiles() throws IOException {
            return walk(directory.resolve("files"), Files::isRegularFile);
        }

        @Override
        public void assertNothingPartial() throws IOException {
            assertEquals(List.of(), temporaryFiles(), "nothing partial is kept");
        }

        @Override
        public void awaitNothingPartial() throws Exception {
            for (int attempt = 0; attempt < 200 && !temporaryFiles().isEmpty(); attempt++) {
                Thread.sleep(50);
            }
            assertNothingPartial();
        }

        @Override
        public String name() {
            return directory.toString();
        }

        private List<Path> temporaryFiles() throws IOException {
            try (Stream<Path> temp = Files.list(directory.resolve("tmp"))) {
                return temp.toList();
            }
        }

        private static List<String> walk(Path root, java.util.function.Predicate<Path> wanted) throws IOException {
            if (!Files.exists(root)) {
                return List.of();
            }
            try (Stream<Path> paths = Files.walk(root)) {
                return paths.filter(wanted).map(Path::toString).sorted().toList();
            }
        }
    }

    /**
     * A bucket on S3Proxy, read through an SDK client of its own. An upload is one PutObject,
     * which the store keeps whole or not at all: there is no partial state to look for.
     */
    private record S3Store(S3ProxyServer s3, String bucket) implements Store {

        @Override
        public Map<String, String> parameters() {
            return s3.contextParameters(bucket);
        }

        @Override
        public boolean holdsFile(String slotPath) {
            return fileMetadata(slotPath) != null;
        }

        @Override
        public String metadataText(String slotPath) {
            Map<String, String> metadata = fileMetadata(slotPath);
            if (metadata == null) {
                fail("no object for " + slotPath);
            }
            StringBuilder text = new StringBuilder();
            // The service percent-encodes its metadata values (header values are ASCII).
            metadata.forEach((name, value) -> text.append(name).append('=')
                    .append(URLDecoder.decode(value, StandardCharsets.UTF_8)).append('\n'));
            return text.toString();
        }

        @Override
        public List<String> contents() {
            return keys("");
        }

        @Override
        public List<String> storedFiles() {
            return keys("files/");
        }

        @Override
        public void assertNothingPartial() {
            // nothing to look for: see the class comment
        }

        @Override
        public void awaitNothingPartial() {
            // nothing to wait for: see the class comment
        }

        @Override
        public String name() {
            return "s3://" + bucket + "/ at " + s3.endpoint();
        }

        /** The user metadata of the file's object, or {@code null} when there is none. */
        private Map<String, String> fileMetadata(String slotPath) {
            try (S3Client client = s3.client()) {
                return client.headObject(b -> b.bucket(bucket).key("files/" + StorageLayout.hashOf(slotPath))).metadata();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return null;
                }
                throw e;
            }
        }

        private List<String> keys(String prefix) {
            try (S3Client client = s3.client()) {
                return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                        .map(S3Object::key).sorted().toList();
            }
        }
    }
}
