import Base
import Foundation
import HTTPTypes
import HummingbirdTesting
import KisumKernel
import KisumPersistence
import KisumTesting
import NIOCore
import PostgresNIO

/// Fixtures of the agreement and offer-PDF tests. Offers are inserted into 0009's `offers` table by SQL (the
/// Offers routes are another feature's); artists go through the public route.
enum AgreementFixtures {
    static let permissions = [BasePermission.agreementsRead, BasePermission.agreementsWrite, BasePermission.offersRead,
                              BasePermission.offersWrite, BasePermission.artistsRead, BasePermission.artistsWrite,
                              BasePermission.companiesRead, BasePermission.companiesWrite]

    /// A versus deal as `DealTerms` encodes it: EUR 1,500.00 versus 80 % of the net receipts, a bonus, an expense.
    static let versusDeal = """
        {"kind":"versus","currency":"EUR","guaranteeMinor":150000,"percentageBasisPoints":8000,"splitPointMinor":null,
         "bonuses":[{"ticketsSold":400,"amountMinor":25000}],
         "expenses":[{"name":"Sound","kind":"fixed","amountMinor":50000,"capMinor":null,"basisPoints":null,"borneBy":"show"}],
         "ticketFeeMinor":0,"ticketFeeBasisPoints":0,"taxBasisPoints":0,"rounding":"half_up"}
        """
    static let scenario = """
        {"capacity":500,"tiers":[{"name":"Early bird","priceMinor":2000,"quantity":100,"comps":0},
                                 {"name":"Regular","priceMinor":2500,"quantity":380,"comps":20}]}
        """
    static let potential = """
        {"grossMinor":1150000,"breakEvenTickets":212,"artistPayoutMinor":600000,"promoterResultMinor":-20000}
        """

    static func run(_ body: @Sendable @escaping (TwoCompanies<BaseService>) async throws -> Void) async throws {
        let harness = try await ServiceTestHarness(BaseService.self, settings: BaseSettings())
        try await harness.withTwoCompanies(permissions: permissions, module: BasePermission.module, body)
    }

    static func artist(_ api: APITestClient, _ name: String) async throws -> UUID {
        let response = try await api.post("/api/artists", ["name": .string(name)])
        guard response.status == .created, let id = response.json["id"]?.uuid else {
            throw TestFailure("creating artist \(name) answered \(response.status): \(response.text)")
        }
        return id
    }

    @discardableResult
    static func offer(_ clients: TwoCompanies<BaseService>, company: UUID? = nil, artist: UUID, status: String = "accepted",
                      date: String = "2030-06-01", venue: String? = "Paradiso", city: String? = "Amsterdam",
                      deal: String = versusDeal) async throws -> UUID {
        let companyID = company ?? clients.companyA
        let row = try await clients.harness.database.query("""
            INSERT INTO offers (company_id, artist_id, status, event_date, venue_name, city, currency, deal, scenario, potential,
                                guarantee_minor, created_by)
            VALUES (\(companyID), \(artist), \(status), \(date)::date, \(venue), \(city), 'EUR', \(deal)::jsonb, \(scenario)::jsonb,
                    \(potential)::jsonb, 150000, \(UUID()))
            RETURNING id
            """).first { try $0.decode(UUID.self) }
        guard let row else { throw TestFailure("inserting an offer returned nothing") }
        return row
    }

    static func setOfferStatus(_ clients: TwoCompanies<BaseService>, _ offer: UUID, _ status: String) async throws {
        try await clients.harness.database.query("""
            UPDATE offers SET status = \(status) WHERE company_id = \(clients.companyA) AND id = \(offer)
            """)
    }

    /// A new agreement from `offer`; throws unless it is created.
    static func agreement(_ api: APITestClient, offer: UUID, title: String? = nil) async throws -> TestResponse {
        var body: [String: JSONValue] = ["offerId": .string(offer.uuidString)]
        if let title { body["title"] = .string(title) }
        let response = try await api.post("/api/agreements/create", .object(body))
        guard response.status == .created else { throw TestFailure("creating an agreement answered \(response.status): \(response.text)") }
        return response
    }

    static let pdfBytes: [UInt8] = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
    static let pngBytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x42, count: 64)

    /// A multipart upload: the file in `field`, plus text fields.
    static func upload(_ api: APITestClient, _ path: String, _ bytes: [UInt8], field: String = "file", filename: String = "rider.pdf",
                       fields: [String: String] = [:], contentType: String? = nil) async throws -> TestResponse {
        let boundary = "kisum-asset-boundary"
        var body = ByteBuffer()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(filename)\"\r\n")
        body.writeString("Content-Type: application/octet-stream\r\n\r\n")
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers: HTTPFields = [.contentType: contentType ?? "multipart/form-data; boundary=\(boundary)"]
        if let token = api.token { headers[.authorization] = "Bearer \(token)" }
        if let org = api.org { headers[.xOrg] = org }
        return try await api.client.execute(uri: path, method: .post, headers: headers, body: body)
    }
}
