package dev.cluda.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cluda.testing.IntegrationTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@IntegrationTest
class S3ProxyServerTest {

    @Test
    void close_stopsTheChildJvmAndFreesItsPort() throws IOException {
        S3ProxyServer server = S3ProxyServer.start(Duration.ofSeconds(60));
        ProcessHandle child = server.processHandle();
        int port = server.port();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            assertTrue(s.isConnected());
        }
        assertTrue(child.isAlive());
        assertTrue(child.info().command().orElse("").endsWith("java"), child.info().toString());

        server.close();
        assertFalse(child.isAlive());
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            }
        });
    }
}
