import Foundation
import KisumTesting
import Testing

/// The one-off import tools end with a status a script can act on (`ImportTool`): 0 everything imported, 3 some records
/// rejected (the rest imported), 1 the file could not be read (nothing imported), 78 bad configuration. Run as the
/// built executables, because the status is what the process gives its caller.
@Suite("Import tools' exit statuses (real processes)", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: ServiceProcess.isBuilt("base") && ServiceProcess.isBuilt("venue"), "build the executables first"))
struct ImportToolTests {
    static func environment(_ database: String?) -> [String: String] {
        var env = [
            "KISUM_RESOURCES_DIR": RepositoryPaths.root, "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "INTERNAL_API_KEYS": "import-tool-key-000000000000000001", "AUTH_JWKS_URL": "http://127.0.0.1:9/.well-known/jwks.json",
            "PLATFORM_CORE_URL": "http://127.0.0.1:9", "PLATFORM_CORE_API_KEY": "import-tool-core-key-00000000000001",
            "LOG_LEVEL": "error",
        ]
        env["DATABASE_URL"] = database
        return env
    }

    static func file(_ text: String, _ suffix: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kisum-import-\(UUID().uuidString).\(suffix)").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func baseImportRates() async throws {
        let postgres = try PrivatePostgres.start(databases: ["kisum_base"], name: "kisum-import-pg")
        defer { postgres.remove() }
        let base = "\(ServiceProcess.binDirectory)/base"
        let env = Self.environment(postgres.url(database: "kisum_base"))
        #expect(try await ChildProcess.run([base, "migrate"], environment: env).code == 0)

        let clean = try Self.file("Date,USD,GBP,\n2025-01-10,1.0300,0.85000,\n", "csv")
        let mixed = try Self.file("Date,USD,GBP,\n2025-01-09,1.0310,0.85100,\nbad-date,1,1,\n", "csv")
        defer { for path in [clean, mixed] { try? FileManager.default.removeItem(atPath: path) } }

        let imported = try await ChildProcess.run([base, "import-rates", "--file", clean], environment: env)
        #expect(imported.code == 0, "\(imported.errors)")
        #expect(imported.output.contains("exchange rates: 2 inserted"), "\(imported.output)")
        let partly = try await ChildProcess.run([base, "import-rates", "--file", mixed], environment: env)
        #expect(partly.code == 3, "\(partly.errors)")
        #expect(partly.output.contains("2 inserted") && partly.output.contains("rejected: 1"), "\(partly.output)")
        let unreadable = try await ChildProcess.run([base, "import-rates", "--file", clean + ".missing"], environment: env)
        #expect(unreadable.code == 1, "\(unreadable.output)")
        #expect(!unreadable.errors.isEmpty)
        let unconfigured = try await ChildProcess.run([base, "import-rates", "--file", clean], environment: Self.environment(nil))
        #expect(unconfigured.code == 78)
        #expect(unconfigured.errors.contains("DATABASE_URL"), "\(unconfigured.errors)")
    }

    @Test func venueImportSleepingVenuesWithoutConfiguration() async throws {
        let venue = "\(ServiceProcess.binDirectory)/venue"
        let export = try Self.file("{}\n", "jsonl")
        defer { try? FileManager.default.removeItem(atPath: export) }
        let unconfigured = try await ChildProcess.run([venue, "import-sleeping-venues", "--file", export], environment: Self.environment(nil))
        #expect(unconfigured.code == 78)
        #expect(unconfigured.errors.contains("DATABASE_URL"), "\(unconfigured.errors)")
    }
}
