import Foundation
import KisumPersistence
import Hummingbird
import KisumKernel
import NIOCore

/// The caller's own member record and onboarding tours in the current workspace. Membership is all these
/// need (no extra permission): everyone may see and change their own onboarding state.
struct MyMemberHandlers {
    let database: Database
    var tours: TourRepository { TourRepository(database: database) }

    /// `GET /members/me`.
    @Sendable func me(_ request: Request, context: PlatformRequestContext) async throws -> MyMember {
        let identity = try context.requireIdentity()
        let workspaceID = try context.requireCompany()
        let access = context.kisum.access
        guard let mine = try await MemberRepository(database: database).mine(workspaceID: workspaceID, userID: identity.userID) else {
            throw APIError.notFound("member")
        }
        return MyMember(member: mine.member, tours: TourMap(storedJSON: mine.tours).tours,
                        onboardingCompletedAt: mine.onboardingCompletedAt,
                        permissions: access?.permissions ?? [], modules: access?.modules ?? [])
    }

    /// `GET /members/me/tours`.
    @Sendable func listTours(_ request: Request, context: PlatformRequestContext) async throws -> TourMap {
        let identity = try context.requireIdentity()
        return try await tours.tours(workspaceID: try context.requireCompany(), userID: identity.userID)
    }

    struct TourUpdate: ValidatableBody {
        var tourId: String?
        var completed: Bool?
        var skipped: Bool?

        func validate(_ v: inout Validator) {
            if let tourId {
                v.check(TourRepository.isValidTourID(tourId), "tour_id", "invalid_tour_id",
                        "Lower-case letters, digits, - and _ (at most 64 characters).")
            } else {
                v.add("tour_id", "required", "This field is required.")
            }
            v.check(completed != nil || skipped != nil, "completed", "required", "Send completed and/or skipped.")
        }
    }

    /// `POST /members/me/tours`: `{tour_id, completed?, skipped?}`; answers every tour's state.
    @Sendable func updateTour(_ request: Request, context: PlatformRequestContext) async throws -> TourMap {
        let identity = try context.requireIdentity()
        let workspaceID = try context.requireCompany()
        let body = try await request.decodeValid(as: TourUpdate.self, context: context)
        guard let map = try await tours.update(workspaceID: workspaceID, userID: identity.userID, tourID: body.tourId!,
                                               completed: body.completed, skipped: body.skipped) else {
            throw APIError.validation(field: "tour_id", code: "too_many_tours",
                                      message: "At most \(TourRepository.maxTours) tours are kept per member.")
        }
        return map
    }

    struct TourReset: ValidatableBody {
        var tourId: String?

        func validate(_ v: inout Validator) {
            if let tourId {
                v.check(TourRepository.isValidTourID(tourId), "tour_id", "invalid_tour_id",
                        "Lower-case letters, digits, - and _ (at most 64 characters).")
            }
        }
    }

    /// `PUT /members/me/tours/reset`: `tour_id` (in an optional JSON body, or the query) resets that tour;
    /// without it every tour is reset.
    @Sendable func resetTours(_ request: Request, context: PlatformRequestContext) async throws -> TourMap {
        let identity = try context.requireIdentity()
        let workspaceID = try context.requireCompany()
        // As sent: `?tour_id=` (empty) is an invalid id (422), never "no id" — that would reset every tour.
        let fromQuery = request.uri.queryParameters.get("tour_id")
        if let fromQuery {
            var v = Validator()
            TourReset(tourId: fromQuery).validate(&v)
            try v.validate()
        }
        var body = try await request.decodeValidIfPresent(as: TourReset.self, context: context) ?? TourReset(tourId: nil)
        if body.tourId == nil { body.tourId = fromQuery }
        return try await tours.reset(workspaceID: workspaceID, userID: identity.userID, tourID: body.tourId)
    }
}
