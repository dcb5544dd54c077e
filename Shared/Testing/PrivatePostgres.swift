import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL cluster (initdb into a temp folder, a free loopback port, durability off): the shared test
/// cluster (`EphemeralCluster`), or one test's own, which it may stop and start again (the failure drills; the shared
/// cluster serves every other test and must never go down).
public final class PrivatePostgres: Sendable {
    public let port: Int
    let root: String
    let data: String
    private let bin: String
    private let options: String

    private init(port: Int, root: String, bin: String, settings: String) {
        self.port = port
        self.root = root
        self.data = root + "/data"
        self.bin = bin
        options = "-c listen_addresses=127.0.0.1 -c port=\(port) -c unix_socket_directories=\(root) -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off " + settings
    }

    /// initdb into a temp folder named `name`-… and start on a free loopback port with the given server `settings`
    /// (`-c` options), with the given databases created.
    public static func start(databases: [String] = [], name: String = "kisum-drill-pg",
                             settings: String = "-c max_connections=200") throws -> PrivatePostgres {
        let bin = try EphemeralCluster.findBinaries()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let asRoot = getuid() == 0
        if asRoot { try EphemeralCluster.run("/bin/chown", ["-R", "postgres:postgres", root]) }
        try EphemeralCluster.run(bin + "/initdb", ["-D", root + "/data", "-U", "kisum", "--auth=trust", "-E", "UTF8", "--no-sync",
                                                   "--no-instructions"], asPostgres: asRoot)
        let cluster = PrivatePostgres(port: try EphemeralCluster.freePort(), root: root, bin: bin, settings: settings)
        try cluster.start()
        for database in databases {
            try EphemeralCluster.run(bin + "/createdb", ["-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", "kisum", database])
        }
        return cluster
    }

    public func url(database: String) -> String { "postgres://kisum@127.0.0.1:\(port)/\(database)?sslmode=disable" }

    /// Starts the (stopped) cluster on its port and waits until it takes connections.
    public func start() throws {
        try EphemeralCluster.run(bin + "/pg_ctl", ["-D", data, "-o", options, "-l", root + "/postgres.log", "-w", "-t", "60", "start"],
                                 asPostgres: getuid() == 0)
    }

    /// `pg_ctl stop -m fast`: sessions are ended, the server is gone when this returns.
    public func stop() throws {
        try EphemeralCluster.run(bin + "/pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"], asPostgres: getuid() == 0)
    }

    /// Stops the server however it is and deletes its folder.
    public func remove() {
        try? EphemeralCluster.run(bin + "/pg_ctl", ["-D", data, "-m", "immediate", "-w", "-t", "30", "stop"], asPostgres: getuid() == 0)
        try? FileManager.default.removeItem(atPath: root)
    }
}
