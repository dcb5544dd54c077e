import Foundation
import HTTPTypes
import KisumKernel
import KisumServiceClient
import Logging

/// Venue's inventory as Base's handlers use it: not configured or not answering is 503 `venue_unavailable`
/// (never an empty answer, which would read as "no venues"), so a caller can tell an outage from a fact.
struct VenueDirectory: Sendable {
    let client: VenueInventoryClient?

    init(settings: VenueInventorySettings?) {
        client = settings?.client
    }

    func call<T: Sendable>(_ body: (VenueInventoryClient) async throws -> T) async throws -> T {
        guard let client else {
            throw APIError.unavailable("venue_unavailable", "Venue's inventory is not configured for Base (VENUE_URL).")
        }
        do {
            return try await body(client)
        } catch let error as ServiceClientError {
            Logger(label: "base.venues").warning("venue inventory read failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("venue_unavailable", "Venue's inventory did not answer; try again shortly.")
        }
    }

    /// The venue, or 404 `venue_not_found` when Venue has none with this id.
    func venue(_ id: UUID) async throws -> VenueRecord {
        guard let venue = try await call({ try await $0.venue(id: id) }) else { throw Self.notFound }
        return venue
    }

    static let notFound = APIError(.notFound, code: "venue_not_found", message: "Venue has no venue with this id.")
}
