package io.connectors.api.forwardproxy;

import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open {@code CONNECT} tunnels, by the loopback port of the gateway's own connection that carries
 * each tunnel's decrypted requests to the tunnel server: that server learns from it who opened the
 * tunnel and to where. A connection that is not one of these is no tunnel and is served nothing.
 */
@Singleton
public class Tunnels {

    /** One tunnel: where the CONNECT asked to go, who asked, and from which address. */
    record Tunnel(ProxyTarget.Authority authority, ProxyCaller caller, String clientAddress) {
    }

    private final ConcurrentHashMap<Integer, Tunnel> byPort = new ConcurrentHashMap<>();

    void opened(int loopbackPort, Tunnel tunnel) {
        byPort.put(loopbackPort, tunnel);
    }

    void closed(int loopbackPort) {
        byPort.remove(loopbackPort);
    }

    Optional<Tunnel> of(int loopbackPort) {
        return Optional.ofNullable(byPort.get(loopbackPort));
    }

    /** Tunnels open right now. */
    public int open() {
        return byPort.size();
    }
}
