import Foundation
import Hummingbird
import KisumKernel

/// Totals of issued documents (drafts and void ones are not money yet, or no longer): what was
/// invoiced, what was paid and what is outstanding, per currency and, by `groupBy`, per issue-date
/// bucket, per counterparty or per source reference. Venue's reports read deposits' money this way,
/// one call for a whole report.
struct FinanceSummary: Sendable, ResponseEncodable {
    var kind: DocumentKind
    var groupBy: String
    var bucket: String?
    var rows: [SummaryRow]
    /// More groups matched than `SummaryQuery.maxRows`; narrow the filters.
    var truncated: Bool

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: WireKey.self)
        try c.encode(kind.rawValue, forKey: "kind")
        try c.encode(groupBy, forKey: "groupBy")
        try c.encode(bucket, forKey: "bucket")
        try c.encode(truncated, forKey: "truncated")
        var list = c.nestedUnkeyedContainer(forKey: "rows")
        for row in rows { try list.encode(SummaryRow.Wire(row: row, party: kind.party)) }
    }
}

struct SummaryRow: Sendable, Equatable {
    var currency: String
    /// The bucket's first day (`YYYY-MM-DD`; weeks start on Monday) when grouped by bucket.
    var bucket: String?
    var partyName: String?
    var partyRef: String?
    var sourceRef: String?
    var documents: Int
    var totalMinor: Int64
    var paidMinor: Int64

    struct Wire: Encodable {
        var row: SummaryRow
        var party: String

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: WireKey.self)
            try c.encode(row.currency, forKey: "currency")
            try c.encode(row.bucket, forKey: "bucket")
            try c.encode(row.partyName, forKey: WireKey(party + "Name"))
            try c.encode(row.partyRef, forKey: WireKey(party + "Ref"))
            try c.encode(row.sourceRef, forKey: "sourceRef")
            try c.encode(row.documents, forKey: "documents")
            try c.encode(row.totalMinor, forKey: "totalMinor")
            try c.encode(row.paidMinor, forKey: "paidMinor")
            try c.encode(row.totalMinor - row.paidMinor, forKey: "outstandingMinor")
        }
    }
}

/// What `GET /api/income/summary` reads from its query.
struct SummaryQuery: Sendable {
    static let groupings = ["currency", "bucket", "party", "sourceRef"]
    static let buckets = ["day", "week", "month"]
    static let maxRows = 1000
    static let maxSourceRefs = 50

    /// `currency`, `bucket`, `party` (the counterparty) or `sourceRef`; currency is always a dimension.
    var groupBy: String
    var bucket: String
    var issuedFrom: String?
    var issuedTo: String?
    var source: String?
    var sourceRefs: [String]?
    var currency: String?

    init(_ request: Request, kind: DocumentKind) throws {
        var q = QueryReader(request)
        let grouping = q.oneOf("groupBy", ["currency", "bucket", kind.party, "sourceRef"]) ?? "currency"
        groupBy = grouping == kind.party ? "party" : grouping
        bucket = q.oneOf("bucket", Self.buckets) ?? "month"
        issuedFrom = q.calendarDate("issuedFrom")
        issuedTo = q.calendarDate("issuedTo")
        source = q.search("source", maxLength: 40)
        currency = q.search("currency", maxLength: 3)
        // Read as sent: an empty `sourceRef=` is an empty list, refused like any malformed one.
        if let refs = request.uri.queryParameters.get("sourceRef") {
            let parts = refs.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            // Bounded so the URL stays far below the HTTP parser's request-line limit.
            if refs.unicodeScalars.count > 2000 || parts.count > Self.maxSourceRefs
                || parts.contains(where: { $0.isEmpty || $0.unicodeScalars.count > 100 }) {
                q.add("sourceRef", "invalid_list",
                      "At most \(Self.maxSourceRefs) comma-separated references of 1 to 100 characters, 2000 in all.")
            } else {
                sourceRefs = parts
            }
        }
        try q.validate()
    }
}
