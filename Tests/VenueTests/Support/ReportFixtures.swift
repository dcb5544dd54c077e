import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumTesting
@testable import Venue

extension UtilizationReport {
    /// One line per row: "start..end space booked+blocked=used/available utilization".
    var figures: [String] {
        let iso = ISO8601DateFormatter()
        return rows.map {
            "\(iso.string(from: $0.bucketStart))..\(iso.string(from: $0.bucketEnd)) \($0.spaceName) "
                + "\($0.bookedMinutes)+\($0.blockedMinutes)=\($0.usedMinutes)/\($0.availableMinutes) \($0.utilization)"
        }
    }
}

extension APITestClient {
    /// The utilization report for `query` (already URL-encoded), which must answer 200.
    func utilization(_ query: String) async throws -> UtilizationReport {
        let response = try await get("/api/v1/reports/utilization?\(query)")
        guard response.status == .ok else { throw TestFailure("utilization answered \(response.status): \(response.text)") }
        return try response.decode()
    }

    /// A booking of `spaces` between two RFC 3339 times; returns its JSON.
    @discardableResult
    func bookAt(_ spaces: [UUID], _ start: String, _ end: String, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["spaceIds": .array(spaces.map { .string($0.uuidString) }),
                                         "marketCompanyId": .string(UUID().uuidString), "startAt": .string(start), "endAt": .string(end)]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/bookings", .object(body))
        guard response.status == .created else { throw TestFailure("booking answered \(response.status): \(response.text)") }
        return response.json
    }

    /// A block on `space` between two RFC 3339 times; returns its JSON.
    @discardableResult
    func blockAt(_ space: UUID, _ status: String, _ start: String, _ end: String, extra: [String: JSONValue] = [:]) async throws -> JSONValue {
        var body: [String: JSONValue] = ["spaceId": .string(space.uuidString), "status": .string(status), "startAt": .string(start), "endAt": .string(end)]
        body.merge(extra) { _, new in new }
        let response = try await post("/api/v1/availability/blocks", .object(body))
        guard response.status == .created else { throw TestFailure("block answered \(response.status): \(response.text)") }
        return response.json
    }
}
