import Foundation
import KisumKernel
import KisumPersistence
import Logging
import PostgresNIO

/// PostgreSQL for tests.
///
/// With `TEST_DATABASE_URL` (an admin URL) the tests use that server. Otherwise the first test to ask
/// starts a throw-away cluster (initdb into a temp folder, random loopback port, durability off) that
/// is stopped and deleted when the test process exits. Each service's migrations run once into a
/// template database; every test gets its own `CREATE DATABASE … TEMPLATE` copy, which takes
/// milliseconds, so tests never share rows and can run in parallel.
public actor TestPostgres {
    public static let shared = TestPostgres()

    private var adminSettings: DatabaseSettings?
    private var admin: Database?
    private var templates: [String: Task<Void, any Error>] = [:]
    private var startTask: Task<DatabaseSettings, any Error>?
    /// Databases handed out, oldest first. A test's database outlives the test (nothing signals its
    /// end), so databases older than any test can run are dropped to keep the cluster's disk bounded.
    private var handedOut: [(name: String, created: ContinuousClock.Instant)] = []
    private let maxDatabaseAge: Duration = .seconds(300)

    /// A fresh database for one test, migrated like `service`'s template.
    public func database(service: String, migrationsDirectory: String) async throws -> DatabaseSettings {
        let admin = try await adminDatabase()
        let template = "tpl_" + service.replacingOccurrences(of: "-", with: "_")
        let templateTask: Task<Void, any Error>
        if let existing = templates[template] {
            templateTask = existing
        } else {
            let settings = adminSettings!
            templateTask = Task {
                try await Self.createTemplate(named: template, admin: admin, adminSettings: settings, migrationsDirectory: migrationsDirectory, service: service)
            }
            templates[template] = templateTask
        }
        try await templateTask.value
        let name = "t_\(template.dropFirst(4))_\(UUID().uuidString.prefix(8).lowercased())"
        // Another CREATE DATABASE copying the same template briefly holds it; retry that case.
        for attempt in 1...20 {
            do {
                try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(template)"))
                break
            } catch where error.postgresViolation?.sqlState == "55006" && attempt < 20 {
                try await Task.sleep(for: .milliseconds(50 * attempt))
            }
        }
        handedOut.append((name, .now))
        dropExpiredDatabases(admin)
        return adminSettings!.with(database: name)
    }

    private func dropExpiredDatabases(_ admin: Database) {
        let cutoff = ContinuousClock.now - maxDatabaseAge
        let expired = handedOut.prefix { $0.created < cutoff }.map(\.name)
        guard !expired.isEmpty else { return }
        handedOut.removeFirst(expired.count)
        Task.detached {
            for name in expired {
                _ = try? await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            }
        }
    }

    /// True for `postgres://…@localhost|127.x.x.x|[::1]…` and for a Unix socket (`?host=/dir`).
    public static func isLoopback(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        if let socket = components.queryItems?.first(where: { $0.name == "host" })?.value, socket.hasPrefix("/") { return true }
        guard let host = components.host?.lowercased() else { return false }
        let parts = host.split(separator: ".")
        return host == "localhost" || host == "::1" || host == "[::1]"
            || (parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil })
    }

    /// The admin URL of the test server (for tests that create databases themselves).
    public func serverSettings() async throws -> DatabaseSettings {
        _ = try await adminDatabase()
        return adminSettings!
    }

    private func adminDatabase() async throws -> Database {
        if let admin { return admin }
        let task: Task<DatabaseSettings, any Error>
        if let startTask {
            task = startTask
        } else {
            task = Task {
                if let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty {
                    // Tests create and drop databases with FORCE: never point them at a server elsewhere.
                    guard Self.isLoopback(url) else {
                        throw TestSetupError("TEST_DATABASE_URL must name a server on this machine (localhost, 127.0.0.0/8, ::1 or a Unix socket)")
                    }
                    return DatabaseSettings(url: url, poolSize: 4)
                }
                return try await EphemeralCluster.start()
            }
            startTask = task
        }
        let settings = try await task.value
        if let admin { return admin }
        let database = try Database(settings: settings, logger: Logger(label: "test-postgres"))
        Task.detached { await database.client.run() }
        adminSettings = settings
        admin = database
        return database
    }

    private static func createTemplate(
        named template: String, admin: Database, adminSettings: DatabaseSettings, migrationsDirectory: String, service: String
    ) async throws {
        try await admin.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(template)"))
        try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(template)"))
        let settings = adminSettings.with(database: template)
        let database = try Database(settings: DatabaseSettings(url: settings.url, poolSize: 1), logger: Logger(label: "test-migrate"))
        let migrations = try Migration.load(directory: migrationsDirectory)
        _ = try await database.withRunningClient {
            try await Migrator(database: database, migrations: migrations, service: service).migrate()
        }
        // The pool closes its connections when `run()` ends; CREATE DATABASE … TEMPLATE needs none open.
        try await admin.query(PostgresQuery(unsafeSQL: "ALTER DATABASE \(template) WITH IS_TEMPLATE true"))
    }
}

/// A private PostgreSQL cluster for one test process.
enum EphemeralCluster {
    nonisolated(unsafe) static var dataDirectory: String?

    static func start() async throws -> DatabaseSettings {
        // Every harness opens its whole pool (4) at start, and a parallel run keeps a few hundred harnesses alive at once:
        // at 1,000 the slots ran out (the pools' circuit breakers tripped), so there is room for 3,000.
        let cluster = try PrivatePostgres.start(name: "kisum-pg-\(getpid())", settings: "-c max_connections=3000 -c shared_buffers=128MB")
        let port = cluster.port
        dataDirectory = cluster.data
        atexit {
            // Runs while the process exits, when Foundation's Process can no longer be relied on:
            // signal the postmaster directly (SIGQUIT = immediate shutdown) and wait for it to go.
            guard let data = EphemeralCluster.dataDirectory,
                  let pidLine = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8).split(separator: "\n").first,
                  let pid = pid_t(pidLine),
                  // The pid file outlives a postmaster that is already gone, and on a busy machine its pid is soon another
                  // process's (another test process's postmaster, once): signal only a process started on this data folder.
                  let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  String(decoding: cmdline, as: UTF8.self).contains(data)
            else { return }
            kill(pid, SIGQUIT)
            for _ in 0..<100 where kill(pid, 0) == 0 { usleep(50_000) }
            try? FileManager.default.removeItem(atPath: (data as NSString).deletingLastPathComponent)
        }
        return DatabaseSettings(url: "postgres://kisum@127.0.0.1:\(port)/postgres", poolSize: 8)
    }

    static func findBinaries() throws -> String {
        if let explicit = ProcessInfo.processInfo.environment["PG_BIN"] { return explicit }
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        if let newest = versions.last { return "\(base)/\(newest)/bin" }
        throw TestSetupError("PostgreSQL server binaries not found under /usr/lib/postgresql; install postgresql or set TEST_DATABASE_URL")
    }

    /// Runs a command to completion (`ChildProcess.run`: output to files, not a pipe, since `pg_ctl start` leaves the
    /// postmaster holding its inherited stdout and reading a pipe to its end would never finish; and nothing else this
    /// process has open leaks into the postmaster, which runs for the whole test run); throws with its output when it fails.
    static func run(_ executable: String, _ arguments: [String], asPostgres: Bool = false) throws {
        let argv = asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", executable] + arguments : [executable] + arguments
        let done = try ChildProcess.run(argv)
        guard done.code == 0 else {
            throw TestSetupError("\(executable) failed (status \(done.code)): \(done.output)\(done.errors)")
        }
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc ≥ 2.34 has `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not
    /// import; it is looked up at run time. Where it is missing, every descriptor open right now above 2 is
    /// closed in the child one by one (a descriptor opened concurrently may still slip through).
    static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            let addCloseFrom = unsafeBitCast(symbol, to: AddCloseFrom.self)
            if addCloseFrom(&actions, 3) == 0 { return }
        }
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for descriptor in open where descriptor > 2 && fcntl(descriptor, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSetupError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw TestSetupError("bind() failed") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw TestSetupError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
