import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
import Promoter

/// Every tenant permission of the Promoter module.
let allPromoterPermissions = [PromoterPermission.eventsRead, PromoterPermission.eventsWrite]

typealias PromoterClients = TwoCompanies<PromoterService>

extension TwoCompanies {
    /// Promoter's tests call the machine caller `internal`.
    var `internal`: APITestClient { machine }
}

/// Runs `body` against a fresh Promoter over its own migrated database, with two companies.
func withPromoterApp(_ body: @escaping @Sendable (PromoterClients) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(PromoterService.self, settings: PromoterSettings())
    try await harness.withTwoCompanies(permissions: allPromoterPermissions, module: PromoterPermission.module, body)
}

/// A fixed point a month ahead, so event times never depend on "now".
let eventBase: Date = {
    let day = 24 * 3600.0
    return Date(timeIntervalSince1970: ((Date().timeIntervalSince1970 / day).rounded(.down) + 30) * day)
}()

/// RFC 3339 time `hours` after `eventBase`.
func at(_ hours: Double) -> JSONValue {
    .string(RFC3339.string(from: eventBase.addingTimeInterval(hours * 3600)))
}

extension APITestClient {
    /// Creates an event starting `start` hours after `eventBase` and returns its JSON (a failure otherwise).
    @discardableResult
    func createEvent(_ title: String = "Tour stop", start: Double = 20, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["title": .string(title), "startAt": at(start), "timezone": "Europe/Amsterdam"]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/events", .object(body))
        guard response.status == .created else { throw TestFailure("event create answered \(response.status): \(response.text)") }
        return response.json
    }

    /// The `publicEventId` of a new event.
    func createEventID(_ title: String = "Tour stop", start: Double = 20, extra: [String: JSONValue] = [:]) async throws -> String {
        guard let id = try await createEvent(title, start: start, extra: extra)["publicEventId"]?.stringValue else {
            throw TestFailure("no publicEventId")
        }
        return id
    }
}
