// A Neo4j Community DBMS embedded in one JVM, serving Bolt on 127.0.0.1 with authentication.
// Usage: java -cp <classpath> Launcher <home> <port>; the password comes from the environment
// variable AKG_NEO4J_INIT_PASSWORD (never on the command line). Prints "READY <database id>"
// once Bolt accepts the password, then runs until stopped (SIGTERM shuts the DBMS down).
// LOAD CSV from file URLs is off, and transactions have memory limits: one transaction at most
// AKG_NEO4J_TX_MAX_MB, all of them together at most AKG_NEO4J_TX_TOTAL_MB (docs/security.md: a
// deployment sets the same in neo4j.conf). A query past its limit fails with
// Neo.TransientError.General.MemoryPoolOutOfMemoryError instead of exhausting the heap. Page cache
// size and where transaction state lives can be set for bulk loads (docs/performance.md).
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;

public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: Launcher <home> <port>");
            System.exit(2);
        }
        String password = System.getenv("AKG_NEO4J_INIT_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("AKG_NEO4J_INIT_PASSWORD must hold at least 8 characters");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        long txMax = megabytes("AKG_NEO4J_TX_MAX_MB", 256);
        long txTotal = megabytes("AKG_NEO4J_TX_TOTAL_MB", 512);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(Path.of(args[0]))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // LOAD CSV is a read clause: without this a read transaction can read any file
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.memory_transaction_max_size, ByteUnit.mebiBytes(txMax))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.mebiBytes(txTotal))
                // bulk loads: AKG_NEO4J_PAGECACHE_MB (default 512) and AKG_NEO4J_TX_STATE
                // (ON_HEAP, Neo4j's default, or OFF_HEAP) are read from the environment
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(
                        Long.parseLong(System.getenv().getOrDefault("AKG_NEO4J_PAGECACHE_MB", "512"))))
                .setConfig(GraphDatabaseSettings.tx_state_memory_allocation,
                        GraphDatabaseSettings.TransactionStateMemoryAllocation.valueOf(
                                System.getenv().getOrDefault("AKG_NEO4J_TX_STATE", "ON_HEAP")))
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            stopped.countDown();
        }));
        GraphDatabaseService system = dbms.database("system");
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                Map.of("password", password));
        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        String id = db.executeTransactionally("CALL db.info() YIELD id RETURN id", Map.of(),
                result -> String.valueOf(result.next().get("id")));
        System.out.println("READY " + id);
        System.out.flush();
        stopped.await();
    }

    private static long megabytes(String variable, long fallback) {
        String value = System.getenv(variable);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.strip());
    }
}
