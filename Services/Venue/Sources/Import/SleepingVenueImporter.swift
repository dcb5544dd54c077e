import Crypto
import Foundation
import KisumKernel
import KisumPersistence
import KisumRuntime

/// What an import run did.
public struct ImportReport: Codable, Sendable {
    public struct Counts: Codable, Sendable, Equatable {
        public var inserted = 0
        public var updated = 0
        public var unchanged = 0
        /// Venues already taken over by a company: the legacy record no longer overwrites them.
        public var skipped = 0
    }

    public var venueTypes = Counts()
    public var venues = Counts()
    /// Spaces created or refreshed from legacy rooms.
    public var spaces = Counts()
    public var rejected: [ImportRejection] = []

    public var summary: String {
        var lines = [
            "venue types: \(venueTypes.inserted) inserted, \(venueTypes.updated) updated, \(venueTypes.unchanged) unchanged",
            "venues: \(venues.inserted) inserted, \(venues.updated) updated, \(venues.unchanged) unchanged, \(venues.skipped) skipped (taken over)",
            "spaces: \(spaces.inserted) inserted, \(spaces.updated) updated",
            "rejected: \(rejected.count)",
        ]
        lines += rejected.map { "  \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// The export file could not be read (nothing was imported).
public struct ImportFileError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot read \(path): \(reason)" }
}

/// Loads a legacy export (see `LegacyExport`) into Venue: venue types into the catalog, venues with
/// their rooms as `sleeping`, `claimable` venues of the Kisum holding company.
///
/// Each record runs in its own transaction, so a bad record is reported (with its line) and the
/// others still land. Re-running is idempotent: records are keyed on their legacy `_id`, a checksum
/// of the legacy document tells unchanged records apart, and venues a company has taken over are
/// never overwritten.
public struct SleepingVenueImporter: Sendable {
    public let database: Database
    public let holdingCompanyID: UUID

    public init(database: Database, holdingCompanyID: UUID) {
        self.database = database
        self.holdingCompanyID = holdingCompanyID
    }

    public func run(file path: String) async throws -> ImportReport {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ImportFileError(path: path, reason: error.localizedDescription)
        }
        return try await run(contents: text)
    }

    public func run(contents: String) async throws -> ImportReport {
        let parsed = LegacyExport.parse(contents)
        var report = ImportReport()
        report.rejected = parsed.rejected
        // Types first: venues refer to them.
        for type in parsed.venueTypes {
            do {
                try await importType(type, into: &report)
            } catch {
                report.rejected.append(rejection(for: error, line: type.line, collection: "venues_type", sourceID: type.sourceID))
            }
        }
        for venue in parsed.venues {
            do {
                try await importVenue(venue, into: &report)
            } catch {
                report.rejected.append(rejection(for: error, line: venue.line, collection: "venues", sourceID: venue.sourceID))
            }
        }
        report.rejected.sort { $0.line < $1.line }
        return report
    }

    private func rejection(for error: any Error, line: Int, collection: String, sourceID: String) -> ImportRejection {
        if let rejection = error as? ImportRejection { return rejection }
        let reason: String
        if let violation = error.postgresViolation {
            reason = "database rejected the record (\(violation.constraint ?? violation.sqlState))"
        } else if let apiError = error as? APIError {
            reason = apiError.message
        } else {
            reason = "\(error)"
        }
        return ImportRejection(line: line, collection: collection, sourceId: sourceID, reason: reason)
    }

    static func checksum(_ document: JSONValue) throws -> String {
        let data = try JSONCoding.encoder.encode(document) // sorted keys: stable for equal documents
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

extension ImportReport: ImportToolReport {
    public var hasRejections: Bool { !rejected.isEmpty }
}
