import ArgumentParser
import Foundation
import KisumKernel

/// What a one-off import tool reports: a summary for the operator and whether any record was turned away.
public protocol ImportToolReport: Sendable {
    var summary: String { get }
    var hasRejections: Bool { get }
}

/// How every import tool (`base import-rates`, `venue import-sleeping-venues`) ends, so that a script can tell the
/// outcomes apart: 0 everything imported, 3 some records rejected (the rest imported), 1 the input could not be read
/// (nothing imported; `isUnreadable` names those errors), 78 bad configuration (EX_CONFIG).
public enum ImportTool {
    public static func run<Report: ImportToolReport>(isUnreadable: (any Error) -> Bool = { _ in false },
                                                     _ body: () async throws -> Report) async throws {
        let report: Report
        do {
            report = try await body()
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(78)
        } catch let error where isUnreadable(error) {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        print(report.summary)
        if report.hasRejections { throw ExitCode(3) }
    }
}
