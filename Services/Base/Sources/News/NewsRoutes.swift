import Foundation
import Hummingbird
import KisumKernel

/// `GET /api/news`: the stored industry news, newest first. Industry news is no company's data: every member of a
/// company with Base reads it (the tenant group's membership and module check, no permission), like reference data.
struct NewsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: NewsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let news = tenant.group("/api/news")
        news.get("", use: list)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Page<NewsItem> {
        _ = try context.requireAccess()
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let filter = NewsFilter(q: q.search("q", maxLength: 200), source: q.search("source", maxLength: 200), since: q.date("since"))
        try q.validate()
        let result = try await repository.list(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }
}
