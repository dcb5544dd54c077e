import Foundation
import Hummingbird
import KisumKernel

/// `/api/reviews`: members' ratings of the company's artists and linked venues. Each subject type follows its own
/// permissions (artists: `basic.artists.*`, venues: `basic.venues.*`); only a review's author edits or deletes it.
struct ReviewsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ReviewsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let reviews = tenant.group("/api/reviews")
        reviews.get("", use: list)
        reviews.post("", use: create)
        reviews.put("{id}", use: replace)
        reviews.delete("{id}", use: delete)
    }

    /// The subject types the caller may read: the filter's one (403 without its permission), else every readable one
    /// (403 when none is).
    @Sendable func list(_ request: Request, context: Context) async throws -> Page<Review> {
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 100)
        let type = q.oneOf("subjectType", ReviewSubject.names).flatMap(ReviewSubject.init(rawValue:))
        let subjectID = q.uuid("subjectId")
        let minRating = q.int("minRating", range: 1...5)
        let authorID = q.uuid("authorId")
        try q.validate()
        let access = try context.requireAccess()
        let readable: [ReviewSubject]
        if let type {
            try context.require(permission: type.readPermission)
            readable = [type]
        } else {
            readable = ReviewSubject.allCases.filter { access.permits($0.readPermission) }
            if readable.isEmpty { try context.require(permission: ReviewSubject.artist.readPermission) }
        }
        let filter = ReviewFilter(types: readable.map(\.rawValue), subjectID: subjectID, minRating: minRating, authorID: authorID)
        let result = try await repository.list(companyID: companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<Review> {
        try requireSomeWrite(context)
        let body = try await request.decodeValid(as: NewReview.self, context: context)
        guard let subject = body.subject, let subjectID = body.subjectId else { throw APIError.internalError }
        let scope = try context.tenant(permission: subject.writePermission)
        let review = try await repository.create(companyID: scope.companyID, authorID: scope.userID, subject: subject, subjectID: subjectID, body)
        return EditedResponse(status: .created, response: review)
    }

    @Sendable func replace(_ request: Request, context: Context) async throws -> Review {
        let (scope, _) = try await ownReview(context)
        let body = try await request.decodeValid(as: ReviewUpdate.self, context: context)
        return try await repository.replace(companyID: scope.companyID, id: try context.parameters.uuid("id", what: "review"),
                                            authorID: scope.userID, body).orNotFound("review")
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let (scope, review) = try await ownReview(context)
        guard try await repository.delete(companyID: scope.companyID, id: review.id, authorID: scope.userID) else {
            throw APIError.notFound("review")
        }
        return Response(status: .noContent)
    }

    /// The review at `{id}` when it is the company's (404), the caller holds its subject's write permission (403) and
    /// wrote it (403 `not_author`).
    private func ownReview(_ context: Context) async throws -> (scope: (companyID: UUID, userID: UUID), review: Review) {
        try requireSomeWrite(context)
        let companyID = try context.requireCompany()
        let id = try context.parameters.uuid("id", what: "review")
        let review = try await repository.get(companyID: companyID, id: id).orNotFound("review")
        let subject = ReviewSubject(rawValue: review.subjectType) ?? .artist
        let scope = try context.tenant(permission: subject.writePermission)
        guard review.authorId == scope.userID else {
            throw APIError.forbidden("not_author", "Only the author of a review may change or delete it.")
        }
        return (scope, review)
    }

    /// A member who may write no subject's reviews is refused before the body or the id is looked at.
    private func requireSomeWrite(_ context: Context) throws {
        let access = try context.requireAccess()
        if !ReviewSubject.allCases.contains(where: { access.permits($0.writePermission) }) {
            try context.require(permission: ReviewSubject.artist.writePermission)
        }
    }
}
