package dev.cluda.comm;

import java.net.InetSocketAddress;

/** A rank and the {@code host:port} it advertised; prints as {@code rank 1 (10.0.0.5:40123)}. */
record Peer(int rank, String address) {

    /**
     * Parses {@code host:port} (an IPv6 host in brackets: {@code [::1]:40123}).
     *
     * @throws IllegalArgumentException when the text is not {@code host:port}
     */
    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw new IllegalArgumentException("address '" + hostPort + "' is not host:port");
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("address '" + hostPort + "' has no numeric port", e);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("address '" + hostPort + "': port out of 1..65535");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return "rank " + rank + " (" + address + ")";
    }
}
