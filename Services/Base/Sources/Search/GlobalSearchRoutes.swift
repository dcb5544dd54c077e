import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/search`: the company's artists, agencies, events, festivals and linked venues whose names contain
/// `q`, best match first. The legacy `GET /api/kisum/search` answers through this same handler.
struct GlobalSearchRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: GlobalSearchRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let search = tenant.group("/api/search")
        search.get("", use: find)
    }

    @Sendable func find(_ request: Request, context: Context) async throws -> Page<SearchHit> {
        let access = try context.requireAccess()
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let text = q.search(maxLength: 200)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        let asked = Self.kinds(request.uri.queryParameters.get("kinds"), &q)
        try q.validate()
        // Kinds the caller cannot read are left out; asking only for such kinds is the same refusal as their lists give.
        let readable = asked.filter { access.permits($0.permission) }
        if readable.isEmpty, let first = asked.first {
            try context.require(permission: first.permission)
        }
        let result = try await repository.search(companyID: companyID, text: text ?? "", kinds: readable.map(\.rawValue), page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `kinds=artist,event` narrows the search; absent, every kind is searched.
    /// Sent empty it is refused like any typed parameter: dropping it silently would answer another question.
    static func kinds(_ sent: String?, _ q: inout QueryReader) -> [SearchKind] {
        guard let list = sent else { return SearchKind.allCases }
        guard list.unicodeScalars.count <= 100 else {
            q.add("kinds", "too_long", "At most 100 characters.")
            return []
        }
        var kinds: [SearchKind] = []
        for name in list.split(separator: ",", omittingEmptySubsequences: false) {
            guard let kind = SearchKind(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                q.add("kinds", "invalid_choice", "A comma-separated list of: \(SearchKind.names.joined(separator: ", ")).")
                return []
            }
            if !kinds.contains(kind) { kinds.append(kind) }
        }
        return kinds
    }
}
