package io.ambient4j.common.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An {@link SSLContext} whose every engine, socket and server socket already carries the mesh
 * {@link SSLParameters} (TLS 1.3, the two AES-GCM suites, ALPN h2, no SNI, client-auth mode). Code that
 * only receives the context (Helidon, grpc, tests) therefore cannot forget a setting.
 */
final class ConfiguredSslContextSpi extends SSLContextSpi {

    private final SSLContext delegate;
    private final Supplier<SSLParameters> parameters;
    private final boolean clientMode;

    private ConfiguredSslContextSpi(SSLContext delegate, Supplier<SSLParameters> parameters, boolean clientMode) {
        this.delegate = delegate;
        this.parameters = parameters;
        this.clientMode = clientMode;
    }

    static SSLContext wrap(SSLContext delegate, Supplier<SSLParameters> parameters, boolean clientMode) {
        ConfiguredSslContextSpi spi = new ConfiguredSslContextSpi(delegate, parameters, clientMode);
        return new SSLContext(spi, delegate.getProvider(), delegate.getProtocol()) {};
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("mesh SSLContext is already initialised");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return new Sockets(delegate.getSocketFactory(), parameters);
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return new ServerSockets(delegate.getServerSocketFactory(), parameters);
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        SSLEngine engine = delegate.createSSLEngine();
        engine.setUseClientMode(clientMode);
        engine.setSSLParameters(parameters.get());
        return engine;
    }

    /** Peer host and port are dropped on purpose: they would only feed SNI and session resumption. */
    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return engineCreateSSLEngine();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return delegate.getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return delegate.getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return parameters.get();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return delegate.getSupportedSSLParameters();
    }

    private static final class Sockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private final Supplier<SSLParameters> parameters;

        Sockets(SSLSocketFactory delegate, Supplier<SSLParameters> parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        private Socket configure(Socket socket) {
            ((SSLSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate.createSocket());
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return configure(delegate.createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(delegate.createSocket(address, port, localAddress, localPort));
        }
    }

    private static final class ServerSockets extends SSLServerSocketFactory {
        private final SSLServerSocketFactory delegate;
        private final Supplier<SSLParameters> parameters;

        ServerSockets(SSLServerSocketFactory delegate, Supplier<SSLParameters> parameters) {
            this.delegate = delegate;
            this.parameters = parameters;
        }

        private ServerSocket configure(ServerSocket socket) {
            ((SSLServerSocket) socket).setSSLParameters(parameters.get());
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return parameters.get().getCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return configure(delegate.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return configure(delegate.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return configure(delegate.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
            return configure(delegate.createServerSocket(port, backlog, ifAddress));
        }
    }
}
