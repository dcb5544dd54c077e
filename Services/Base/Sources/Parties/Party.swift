import Foundation
import Hummingbird
import KisumKernel
import KisumServiceClient

/// A party of the registry ("Market") as other services see it: the company-level parties (companies, agencies)
/// and the person-level ones (artists) in one list. The wire type is `PartySearchItem`, defined once in
/// `KisumServiceClient` next to the client the callers use, so Base and its callers cannot drift.
typealias Party = PartySearchItem

/// `GET /internal/parties/search`: which parties, and which page of them.
struct PartySearchFilter: Sendable, Equatable {
    /// Name text: trigram similarity or a substring (both served by the `*_company_name_trgm` indexes).
    var q: String?
    /// Exact, case-insensitive (the `*_company_email` indexes on `lower(email)`).
    var email: String?
    var countryID: UUID?
    var kind: PartyKind?

    static let defaultLimit = 20

    /// The query's filters and page. Malformed values are 400 `invalid_query`; the e-mail is not checked for
    /// shape: one that is no address matches nothing, which is the answer.
    static func read(_ request: Request) throws -> (PartySearchFilter, PageRequest) {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: defaultLimit, maxLimit: PartySearchQuery.maxLimit)
        let filter = PartySearchFilter(
            q: q.search("q", maxLength: PartySearchQuery.maxQueryLength), email: q.search("email", maxLength: 254),
            countryID: q.uuid("countryId"), kind: q.oneOf("kind", PartyKind.allCases.map(\.rawValue)).flatMap(PartyKind.init(rawValue:)))
        try q.validate()
        return (filter, page)
    }
}
