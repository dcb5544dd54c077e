import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumServiceClient
import KisumTesting
import NIOCore
import PostgresNIO
import Testing

/// Venue's internal inventory routes answered in-process, so BaseTests exercise every Venues route without a live
/// Venue (the live pairing is in `SystemTests/BaseVenuesAcrossServicesTests`). It refuses a wrong internal key
/// like Venue does, counts calls per path, and can be switched to down, slow or failing.
final class FakeVenue: HTTPTransport, @unchecked Sendable {
    enum Mode { case up, unreachable, timeout, failing }

    static let url = "http://venue.test"
    static let key = "venue-internal-key-for-base-tests-0123456789"

    private let lock = NSLock()
    private var venues: [UUID: [String: JSONValue]] = [:]
    private var spaces: [UUID: [[String: JSONValue]]] = [:]
    private var busy: [UUID: [[String: JSONValue]]] = [:]
    private var modeValue = Mode.up
    private var calls: [String: Int] = [:]

    var mode: Mode {
        get { lock.withLock { modeValue } }
        set { lock.withLock { modeValue = newValue } }
    }

    func calls(_ path: String) -> Int { lock.withLock { calls[path] ?? 0 } }

    var settings: BaseSettings {
        BaseSettings(venue: VenueInventorySettings(baseURL: Self.url, apiKey: Self.key, timeout: .seconds(2), transport: self))
    }

    /// Adds a venue of Venue's inventory (another company owns it in Venue: the inventory is shared).
    @discardableResult
    func add(_ name: String, city: String? = "Amsterdam", status: String = "active", capacity: Int? = 1500, latitude: Double? = 52.36,
             longitude: Double? = 4.88, spaces spaceList: [(String, Int?)] = []) -> UUID {
        let id = UUID()
        let record: [String: JSONValue] = [
            "id": .string(id.uuidString.lowercased()), "companyId": .string(UUID().uuidString.lowercased()), "venueId": 1_000_001,
            "name": .string(name), "description": .null, "status": .string(status), "venueTypeId": 3, "venueTypeName": "Club",
            "country": "Netherlands", "city": city.map { .string($0) } ?? .null, "countryIso2": "NL", "countryId": .null, "cityId": .null,
            "addressLine1": "Weteringschans 6", "addressLine2": .null, "postalCode": "1017 SG", "region": .null,
            "latitude": latitude.map { .number($0) } ?? .null, "longitude": longitude.map { .number($0) } ?? .null,
            "timezone": "Europe/Amsterdam", "capacity": capacity.map { .number(Double($0)) } ?? .null, "contactName": "Bookings",
            "contactEmail": "booking@venue.example", "contactPhone": .null, "website": .null,
            // Fields Base does not read are ignored.
            "operatingHours": .object([:]), "createdAt": "2026-01-02T03:04:05.678Z",
        ]
        let spaceRecords = spaceList.map { entry -> [String: JSONValue] in
            ["id": .string(UUID().uuidString.lowercased()), "name": .string(entry.0), "kind": "hall", "status": "active",
             "capacity": entry.1.map { .number(Double($0)) } ?? .null, "companyId": .string(UUID().uuidString.lowercased())]
        }
        lock.withLock {
            venues[id] = record
            spaces[id] = spaceRecords
        }
        return id
    }

    func spaceIDs(of venue: UUID) -> [UUID] {
        lock.withLock { (spaces[venue] ?? []).compactMap { $0["id"]?.stringValue.flatMap(UUID.init(uuidString:)) } }
    }

    func addBusy(_ venue: UUID, startsAt: String, endsAt: String, kind: String = "confirmed") {
        let space = spaceIDs(of: venue).first ?? UUID()
        lock.withLock {
            busy[venue, default: []].append(["spaceId": .string(space.uuidString.lowercased()), "source": "booking", "kind": .string(kind),
                                             "startsAt": .string(startsAt), "endsAt": .string(endsAt), "expiresAt": .null])
        }
    }

    func send(_ request: OutboundRequest) async throws -> OutboundResponse {
        switch mode {
        case .unreachable: throw ServiceClientError.unreachable(service: "venue", url: request.url, reason: "connection refused")
        case .timeout: throw ServiceClientError.timeout(service: "venue", url: request.url)
        case .failing: return Self.answer(500, ["error": ["code": "internal_error"]])
        case .up: break
        }
        guard request.header("X-Internal-API-Key") == Self.key else { return Self.answer(401, ["error": ["code": "internal_key_invalid"]]) }
        guard let components = URLComponents(string: request.url) else { return Self.answer(400, [:]) }
        let path = components.path
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        lock.withLock { calls[path, default: 0] += 1 }
        let snapshot = lock.withLock { (venues, spaces, busy) }
        let all = snapshot.0.values.sorted { ($0["name"]?.stringValue ?? "") < ($1["name"]?.stringValue ?? "") }
        let parts = path.split(separator: "/").map(String.init)
        switch parts.dropFirst(2).first {
        case nil:
            let q = query["q"]?.lowercased()
            let city = query["city"]?.lowercased()
            let found = all.filter { venue in
                (q == nil || (venue["name"]?.stringValue?.lowercased().contains(q ?? "") ?? false))
                    && (city == nil || venue["city"]?.stringValue?.lowercased() == city)
            }
            return Self.page(found.map { .object($0) }, query)
        case "batch":
            let ids = (query["ids"] ?? "").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
            return Self.answer(200, ["items": .array(ids.compactMap { snapshot.0[$0].map { .object($0) } })])
        case "nearby":
            let located = all.filter { $0["latitude"] != .null && $0["latitude"] != nil }
            return Self.page(located.map { .object(["venue": .object($0), "distanceKm": 1.25]) }, query)
        case "types":
            return Self.page([.object(["venueTypeId": 3, "name": "Club", "slug": "club", "description": .null]),
                              .object(["venueTypeId": 4, "name": "Theatre", "slug": .null, "description": "Seated"])], query)
        case let text?:
            guard let id = UUID(uuidString: text), let venue = snapshot.0[id] else { return Self.answer(404, ["error": ["code": "not_found"]]) }
            let venueSpaces = snapshot.1[id] ?? []
            switch parts.count > 3 ? parts[3] : nil {
            case nil: return Self.answer(200, .object(venue))
            case "inquiry":
                let status = venue["status"]?.stringValue ?? "active"
                let largest = venueSpaces.compactMap { $0["capacity"]?.doubleValue }.max()
                return Self.answer(200, [
                    "venue": .object(venue), "spaces": .array(venueSpaces.map { .object($0) }), "managed": .bool(status != "sleeping"),
                    "acceptsInquiries": .bool(status == "active" || status == "sleeping"),
                    "inquiryRecipient": .string(status == "sleeping" ? "kisum" : "venue"),
                    "contact": ["name": "Bookings", "email": "booking@venue.example", "phone": .null, "website": .null],
                    "capacity": venue["capacity"] ?? .null, "largestSpaceCapacity": largest.map { .number($0) } ?? .null,
                ])
            case "availability":
                return Self.answer(200, ["venueId": .string(id.uuidString.lowercased()), "from": .string(query["from"] ?? ""),
                                         "to": .string(query["to"] ?? ""), "spaces": .array(venueSpaces.map { .object($0) }),
                                         "busy": .array((snapshot.2[id] ?? []).map { .object($0) })])
            default: return Self.answer(404, [:])
            }
        }
    }

    static func page(_ items: [JSONValue], _ query: [String: String]) -> OutboundResponse {
        answer(200, ["items": .array(items), "total": .number(Double(items.count)), "page": .number(Double(Int(query["page"] ?? "1") ?? 1)),
                     "limit": .number(Double(Int(query["limit"] ?? "20") ?? 20))])
    }

    static func answer(_ status: Int, _ body: JSONValue) -> OutboundResponse {
        OutboundResponse(status: status, headers: [("Content-Type", "application/json")], body: Array((try? JSONCoding.encoder.encode(body)) ?? Data()))
    }
}

let allVenueTestPermissions = [BasePermission.venuesRead, BasePermission.venuesWrite, BasePermission.eventsRead, BasePermission.eventsWrite]

/// Two companies on a Base wired to `venue` (a fresh fake unless given).
func withVenues(_ venue: FakeVenue = FakeVenue(), settings: BaseSettings? = nil,
                _ body: @Sendable @escaping (TwoCompanies<BaseService>, FakeVenue) async throws -> Void) async throws {
    let harness = try await ServiceTestHarness(BaseService.self, settings: settings ?? venue.settings)
    try await harness.withTwoCompanies(permissions: allVenueTestPermissions, module: BasePermission.module) { clients in
        try await body(clients, venue)
    }
}

extension TwoCompanies where Service == BaseService {
    /// An event row of `company` (the events routes belong to another helper: rows go in by SQL, as issue 9's brief says).
    @discardableResult
    func insertEvent(company: UUID, name: String, date: String, status: String = "confirmed", venue: UUID? = nil) async throws -> UUID {
        let id = UUID()
        try await harness.database.query("""
            INSERT INTO events (id, company_id, name, status, event_date, venue_id, currency, created_by)
            VALUES (\(id), \(company), \(name), \(status), \(date)::date, \(venue), 'EUR', \(UUID()))
            """)
        return id
    }

    func link(_ venue: UUID, as api: APITestClient? = nil, _ extra: [String: JSONValue] = [:]) async throws -> TestResponse {
        var body: [String: JSONValue] = ["venueId": .string(venue.uuidString)]
        body.merge(extra) { _, new in new }
        return try await (api ?? a).post("/api/venues", .object(body))
    }
}

/// A multipart upload of `bytes` in `field`, with optional text fields.
func uploadVenueDocument(_ api: APITestClient, _ path: String, _ bytes: [UInt8], filename: String = "rider.pdf",
                         fields: [String: String] = [:], contentType: String? = nil) async throws -> TestResponse {
    let boundary = "kisum-venue-doc-boundary"
    var body = ByteBuffer()
    for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }
    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
    body.writeBytes(bytes)
    body.writeString("\r\n--\(boundary)--\r\n")
    var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
    if let token = api.token { headers[.authorization] = "Bearer \(token)" }
    if let org = api.org { headers[.xOrg] = org }
    return try await api.client.execute(uri: path, method: .post, headers: headers, body: body)
}
