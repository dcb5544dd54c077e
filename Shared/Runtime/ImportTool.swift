import ArgumentParser
import Foundation
import KisumKernel

/// What a one-off import tool reports: a summary for the operator and whether any record was turned away.
public protocol ImportToolReport: Sendable {
    var summary: String { get }
    var hasRejections: Bool { get }
}

/// How every import tool (`base import-rates`, `venue import-sleeping-venues`) ends, so that a script can tell the
/// outcomes apart: 0 everything imported, 3 some records rejected (the rest imported), 78 bad configuration (EX_CONFIG).
/// Any other error (a file that cannot be read, a database that refuses) reaches ArgumentParser, which prints it and
/// exits 1.
public enum ImportTool {
    public static func run<Report: ImportToolReport>(_ body: () async throws -> Report) async throws {
        let report: Report
        do {
            report = try await body()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        }
        print(report.summary)
        if report.hasRejections { throw ExitCode(3) }
    }
}
