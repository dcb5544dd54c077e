import Foundation
import KisumKernel
import KisumServiceClient

/// Finance over HTTP (the shared libcurl `ServiceClient`), in machine mode: `X-Internal-API-Key` (Finance's
/// key, `FINANCE_API_KEY`) and `x-org` naming the company. One attempt per call: the outbox relay retries
/// writes with backoff, and reads fall back to what Venue last saw.
public struct HTTPFinanceLedger: FinanceLedger {
    private let client: ServiceClient

    public init(settings: CalleeSettings, transport: any HTTPTransport = CurlTransport.shared) {
        client = ServiceClient(name: "finance", baseURL: settings.baseURL, internalAPIKey: settings.apiKey, transport: transport,
                               timeout: settings.timeout, retry: .none)
    }

    public func createInvoice(_ body: JSONValue, idempotencyKey: String, companyID: UUID) async throws -> LedgerWrite {
        let response = try await send("POST", "/api/income", body: body, companyID: companyID, headers: [("Idempotency-Key", idempotencyKey)])
        return try Self.write(response)
    }

    public func updateInvoice(id: UUID, _ patch: JSONValue, companyID: UUID) async throws -> LedgerWrite {
        try Self.write(try await send("PATCH", "/api/income/\(id.uuidString.lowercased())", body: patch, companyID: companyID))
    }

    public func invoices(ids: [UUID], companyID: UUID) async throws -> [UUID: LedgerInvoice] {
        guard !ids.isEmpty else { return [:] }
        var found: [UUID: LedgerInvoice] = [:]
        // Finance takes at most 100 ids a call; a Venue page is at most 100 deposits.
        for start in stride(from: 0, to: ids.count, by: 100) {
            let chunk = ids[start..<min(start + 100, ids.count)]
            let query = [("ids", chunk.map { $0.uuidString.lowercased() }.joined(separator: ",")), ("limit", "100")]
            let response = try await send("GET", "/api/income", query: query, companyID: companyID)
            guard response.status == 200 else { throw FinanceUnavailable("GET /api/income answered \(response.status)") }
            for invoice in try Self.decode(Page.self, response).items { found[invoice.id] = invoice }
        }
        return found
    }

    public func depositTotals(depositIDs: [UUID], companyID: UUID) async throws -> [LedgerTotals] {
        var byCurrency: [String: LedgerTotals] = [:]
        // The summary takes 50 references a call; the per-currency rows of each call are added up.
        for start in stride(from: 0, to: depositIDs.count, by: 50) {
            let refs = depositIDs[start..<min(start + 50, depositIDs.count)].map { $0.uuidString.lowercased() }.joined(separator: ",")
            let response = try await send("GET", "/api/income/summary", query: [("source", "venue_deposit"), ("sourceRef", refs)],
                                          companyID: companyID)
            guard response.status == 200 else { throw FinanceUnavailable("GET /api/income/summary answered \(response.status)") }
            for row in try Self.decode(Summary.self, response).rows {
                var total = byCurrency[row.currency] ?? LedgerTotals(currency: row.currency, documents: 0, totalMinor: 0, paidMinor: 0,
                                                                      outstandingMinor: 0)
                total.documents += row.documents
                total.totalMinor += row.totalMinor
                total.paidMinor += row.paidMinor
                total.outstandingMinor += row.outstandingMinor
                byCurrency[row.currency] = total
            }
        }
        return byCurrency.values.sorted { $0.currency < $1.currency }
    }

    public func issuedTotals(_ kind: LedgerKind, bucket: String, from: String, to: String, companyID: UUID) async throws
        -> [LedgerBucketTotals] {
        let query = [("groupBy", "bucket"), ("bucket", bucket), ("issuedFrom", from), ("issuedTo", to)]
        let response = try await send("GET", "/api/\(kind.rawValue)/summary", query: query, companyID: companyID)
        guard response.status == 200 else { throw FinanceUnavailable("GET /api/\(kind.rawValue)/summary answered \(response.status)") }
        let summary = try Self.decode(BucketSummary.self, response)
        guard summary.truncated else { return summary.rows }
        // Finance answers at most 1000 rows: halve the dates and ask for each half. Halves split on day
        // boundaries, and a bucket cut in two comes back as two rows with the same label, which the caller adds.
        guard let halves = Self.halves(from, to) else { throw FinanceUnavailable("summary truncated for one day") }
        return try await issuedTotals(kind, bucket: bucket, from: from, to: halves.0, companyID: companyID)
            + issuedTotals(kind, bucket: bucket, from: halves.1, to: to, companyID: companyID)
    }

    /// `from...to` split into two day ranges (the first ends on `.0`, the second starts on `.1`), nil for one day.
    static func halves(_ from: String, _ to: String) -> (String, String)? {
        let format = Date.ISO8601FormatStyle().year().month().day().dateSeparator(.dash)
        guard let start = try? format.parse(from), let end = try? format.parse(to) else { return nil }
        let days = Int(end.timeIntervalSince(start) / 86_400)
        guard days >= 1 else { return nil }
        let firstEnd = start.addingTimeInterval(Double(days / 2) * 86_400)
        return (firstEnd.formatted(format), firstEnd.addingTimeInterval(86_400).formatted(format))
    }

    // MARK: Wire

    private struct BucketSummary: Decodable {
        var rows: [LedgerBucketTotals]
        var truncated: Bool
    }

    private struct Page: Decodable { var items: [LedgerInvoice] }
    private struct Summary: Decodable { var rows: [LedgerTotals] }
    private struct ErrorBody: Decodable {
        struct Inner: Decodable {
            var code: String
            var info: [String: JSONValue]?
        }
        var error: Inner
    }

    private func send(_ method: String, _ path: String, query: [(String, String)] = [], body: JSONValue? = nil, companyID: UUID,
                      headers: [(name: String, value: String)] = []) async throws -> OutboundResponse {
        do {
            let bytes = try body.map { Array(try JSONCoding.encoder.encode($0)) }
            return try await client.send(method, path, query: query, body: bytes, orgID: companyID.uuidString.lowercased(), headers: headers)
        } catch let error as ServiceClientError {
            throw FinanceUnavailable(error.description)
        }
    }

    /// 2xx is the invoice; 4xx is Finance refusing this request (retrying the same one cannot help), except
    /// 401/403, which mean Venue's key is wrong: a configuration fault, retried until it is fixed.
    static func write(_ response: OutboundResponse) throws -> LedgerWrite {
        switch response.status {
        case 200, 201:
            return .written(try decode(LedgerInvoice.self, response))
        case 400, 404, 409, 413, 415, 422:
            let error = try? JSONDecoder().decode(ErrorBody.self, from: Data(response.body))
            let existing = error?.error.info?["id"]?.stringValue.flatMap(UUID.init(uuidString:))
            return .refused(status: response.status, code: error?.error.code, existingID: existing)
        default:
            throw FinanceUnavailable("answered \(response.status)")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: OutboundResponse) throws -> T {
        do {
            return try ServiceClient.defaultDecoder.decode(T.self, from: Data(response.body))
        } catch {
            throw FinanceUnavailable("undecodable answer: \(error)")
        }
    }
}
