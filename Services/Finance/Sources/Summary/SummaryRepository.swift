import Foundation
import KisumKernel
import KisumPersistence
import PostgresNIO

/// The summary's one grouped statement: the database adds up, the service never sums rows.
struct SummaryRepository: Sendable {
    let database: Database

    func summary(companyID: UUID, kind: DocumentKind, _ q: SummaryQuery) async throws -> FinanceSummary {
        let byBucket = q.groupBy == "bucket", byParty = q.groupBy == "party", bySource = q.groupBy == "sourceRef"
        let rows = try await database.query("""
            SELECT d.currency,
                   CASE WHEN \(byBucket) THEN to_char(date_trunc(\(q.bucket), d.issue_date::timestamp), 'YYYY-MM-DD') END AS bucket,
                   CASE WHEN \(byParty) THEN d.party_name END AS party_name,
                   CASE WHEN \(byParty) THEN d.party_ref END AS party_ref,
                   CASE WHEN \(bySource) THEN d.source_ref END AS source_ref,
                   count(*)::int8 AS documents, sum(d.total_minor)::int8 AS total_minor, sum(d.paid_minor)::int8 AS paid_minor
            FROM finance_documents d
            WHERE d.company_id = \(companyID) AND d.kind = \(kind.rawValue) AND d.status IN ('issued', 'partially_paid', 'paid')
              AND (\(q.issuedFrom)::date IS NULL OR d.issue_date >= \(q.issuedFrom)::date)
              AND (\(q.issuedTo)::date IS NULL OR d.issue_date <= \(q.issuedTo)::date)
              AND (\(q.source)::text IS NULL OR d.source = \(q.source))
              AND (\(q.sourceRefs)::text[] IS NULL OR d.source_ref = ANY(\(q.sourceRefs)::text[]))
              AND (\(q.currency)::text IS NULL OR d.currency = \(q.currency))
            GROUP BY 1, 2, 3, 4, 5
            ORDER BY 2 NULLS FIRST, 3 NULLS FIRST, 4 NULLS FIRST, 5 NULLS FIRST, 1
            LIMIT \(SummaryQuery.maxRows + 1)
            """).collect { row -> SummaryRow in
                let c = Columns(row)
                return SummaryRow(currency: try c("currency"), bucket: try c("bucket"), partyName: try c("party_name"),
                                  partyRef: try c("party_ref"), sourceRef: try c("source_ref"), documents: try c("documents"),
                                  totalMinor: try c("total_minor"), paidMinor: try c("paid_minor"))
            }
        return FinanceSummary(kind: kind, groupBy: q.groupBy == "party" ? kind.party : q.groupBy,
                              bucket: byBucket ? q.bucket : nil, rows: Array(rows.prefix(SummaryQuery.maxRows)),
                              truncated: rows.count > SummaryQuery.maxRows)
    }
}
