import Foundation
import Hummingbird
import KisumKernel
import KisumPersistence
import PostgresNIO

/// One onboarding tour's state, as stored in `memberships.tours` under the tour id.
public struct TourStatus: Codable, Sendable, Equatable {
    public var completed: Bool
    public var skipped: Bool
    public var completedAt: Date?
}

/// `{tour_id: {completed, skipped, completed_at}}`.
public struct TourMap: ResponseEncodable, Sendable {
    public var tours: [String: TourStatus]

    public func encode(to encoder: any Encoder) throws {
        try tours.encode(to: encoder)
    }

    /// Reads the stored jsonb text. Tour ids are slugs (lower-case), so no key conversion can touch them;
    /// entries of an unexpected shape are skipped rather than failing the member's whole record.
    init(storedJSON text: String) {
        let value = (try? JSONValueParser.parse(text)) ?? .object([:])
        var tours: [String: TourStatus] = [:]
        for (id, entry) in value.objectValue ?? [:] {
            guard let entry = entry.objectValue else { continue }
            tours[id] = TourStatus(completed: entry["completed"]?.boolValue ?? false,
                                   skipped: entry["skipped"]?.boolValue ?? false,
                                   completedAt: entry["completed_at"]?.stringValue.flatMap(RFC3339.date(from:)))
        }
        self.tours = tours
    }
}
