import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One nginx process for a test, in a throw-away prefix folder on a free loopback port: the gateway's own
/// configuration (`gateway(upstreamPort:)`) or any `http { }` content a test writes (the WebDAV stand-in for
/// Nextcloud). A single process without workers (`master_process off`), killed with SIGKILL: it has nothing to clean
/// up, and it may have inherited a signal mask that blocks SIGTERM from the test runner.
public final class NginxInstance: Sendable {
    /// nginx on `PATH` or in the usual sbin folders; nil when it is not installed.
    public static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"]).map { "\($0)/nginx" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    public let directory: String
    public let port: Int
    private let process = Mutex<ChildProcess?>(nil)

    /// `http` is the inside of the `http { }` block after the temporary paths, given the folder and the port;
    /// `preamble` comes before everything (`load_module …;`).
    public init(name: String, preamble: String = "", connections: Int = 256,
                http: (_ directory: String, _ port: Int) throws -> String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))").path
        port = try LoopbackPort.free()
        try FileManager.default.createDirectory(atPath: directory + "/tmp", withIntermediateDirectories: true)
        // Workers of a root master would run as nobody; let anyone use the temp folders.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory + "/tmp")
        let config = """
            \(preamble)
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections \(connections); }
            http {
                client_body_temp_path \(directory)/tmp/body;
                proxy_temp_path \(directory)/tmp/proxy;
                fastcgi_temp_path \(directory)/tmp/fastcgi;
                uwsgi_temp_path \(directory)/tmp/uwsgi;
                scgi_temp_path \(directory)/tmp/scgi;
                access_log off;
            \(try http(directory, port))
            }
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    /// `deploy/gateway/routes.conf` verbatim, with every upstream of `deploy/gateway/upstreams.conf` pointed at one
    /// loopback port.
    public static func gateway(upstreamPort: Int, connections: Int = 256) throws -> NginxInstance {
        let root = RepositoryPaths.root
        let upstreams = try String(contentsOfFile: root + "/deploy/gateway/upstreams.conf", encoding: .utf8)
            .replacing(try Regex(#"server\s+[\w.-]+:\d+;"#), with: "server 127.0.0.1:\(upstreamPort);")
        return try NginxInstance(name: "kisum-gateway", connections: connections) { _, port in
            """
            \(upstreams)
                server {
                    listen 127.0.0.1:\(port);
                    server_name _;
                    include \(root)/deploy/gateway/routes.conf;
                }
            """
        }
    }

    public var configPath: String { directory + "/nginx.conf" }
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var errorLog: String { (try? String(contentsOfFile: directory + "/error.log", encoding: .utf8)) ?? "" }

    /// Starts nginx and waits until it accepts connections (5 s); throws with its error log otherwise.
    public func start() async throws {
        guard let nginx = Self.executable else { throw TestSetupError("nginx is not installed (deploy/scripts/install-deps.sh installs it)") }
        let process = try ChildProcess([nginx, "-p", directory, "-e", directory + "/error.log", "-c", configPath])
        self.process.withLock { $0 = process }
        for _ in 0..<100 where process.exitStatus == nil {
            if Self.accepts(port: port) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = errorLog
        stop()
        throw TestSetupError("nginx did not start listening on \(port): \(log)")
    }

    public func stop() {
        process.withLock { process in
            process?.stop()
            process = nil
        }
    }

    /// Stops nginx and deletes its folder.
    public func remove() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(clamping: port)).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// A loopback TCP port nothing listens on right now (the kernel's choice), for a server a test starts.
public enum LoopbackPort {
    public static func free() throws -> Int { try EphemeralCluster.freePort() }
}
