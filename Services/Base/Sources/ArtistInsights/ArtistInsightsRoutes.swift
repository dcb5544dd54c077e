import Foundation
import Hummingbird
import KisumKernel

/// What Base computes from an artist's stored show history, never from an outside provider: stats (with a stored
/// snapshot), audience demographics and the prediction models (`ArtistPredictor`). Reads need
/// `basic.artists.read`; anything that stores (a snapshot, a prediction) needs `basic.artists.write`.
struct ArtistInsightsRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ArtistInsightsRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let artists = tenant.group("/api/artists")
        artists.get("{id}/stats", use: stats)
        artists.post("{id}/stats/refresh", use: refreshStats)
        artists.get("{id}/demographics", use: demographics)
        artists.post("{id}/prediction", use: predictV1)
        artists.get("{id}/prediction", use: latestPrediction)
        artists.post("{id}/prediction-v2", use: predictV2)
        artists.post("{id}/prediction-v3", use: predictV3)
    }

    /// The snapshot the latest refresh stored when there is one (`snapshot: true`; writes to the history drop
    /// it, so it is never stale), else computed live.
    @Sendable func stats(_ request: Request, context: Context) async throws -> ArtistStats {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        if let stored = try await repository.storedStats(companyID: scope.companyID, artistID: artistID) { return stored }
        return try await repository.liveStats(companyID: scope.companyID, artistID: artistID).orNotFound("artist")
    }

    @Sendable func refreshStats(_ request: Request, context: Context) async throws -> ArtistStats {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        return try await repository.refreshStats(companyID: scope.companyID, artistID: artistID).orNotFound("artist")
    }

    /// Filters: from/to (days, inclusive).
    @Sendable func demographics(_ request: Request, context: Context) async throws -> ArtistDemographics {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let from = q.calendarDate("from")
        let to = q.calendarDate("to")
        try q.validate()
        let buckets = try await repository.demographics(companyID: scope.companyID, artistID: artistID, from: from, to: to)
        if buckets.regions.isEmpty, try await !repository.artistExists(companyID: scope.companyID, artistID: artistID) {
            throw APIError.notFound("artist")
        }
        return ArtistDemographics(artistId: artistID, from: from, to: to, regions: buckets.regions, countries: buckets.countries,
                                  cities: buckets.cities)
    }

    @Sendable func predictV1(_ request: Request, context: Context) async throws -> EditedResponse<StoredPrediction> {
        try await predict(.v1, request, context: context)
    }

    @Sendable func predictV2(_ request: Request, context: Context) async throws -> EditedResponse<StoredPrediction> {
        try await predict(.v2, request, context: context)
    }

    @Sendable func predictV3(_ request: Request, context: Context) async throws -> EditedResponse<StoredPrediction> {
        try await predict(.v3, request, context: context)
    }

    /// Reads the history, runs the model, stores and answers the prediction (201).
    private func predict(_ model: PredictionModel, _ request: Request, context: Context) async throws -> EditedResponse<StoredPrediction> {
        let scope = try context.tenant(permission: BasePermission.artistsWrite)
        let artistID = try context.parameters.uuid("id", what: "artist")
        let query = try await request.decodeValid(as: PredictionRequest.self, context: context).query
        let history = try await repository.predictionHistory(companyID: scope.companyID, artistID: artistID, date: query.date,
                                                             countryID: query.countryId).orNotFound("artist")
        if !history.countryKnown { throw APIError.validation(field: "countryId", code: "not_found", message: "No country with this id.") }
        guard let result = ArtistPredictor.predict(model, query: query, history: history.shows) else { throw APIError.insufficientHistory }
        let stored = try await repository.storePrediction(companyID: scope.companyID, userID: scope.userID, artistID: artistID,
                                                          query: query, result: result).orNotFound("artist")
        return EditedResponse(status: .created, response: stored)
    }

    /// The latest stored prediction (`model` = v1, v2 or v3 narrows it); 404 `prediction_not_found` when none.
    @Sendable func latestPrediction(_ request: Request, context: Context) async throws -> StoredPrediction {
        let scope = try context.tenant(permission: BasePermission.artistsRead)
        let artistID = try context.parameters.uuid("id", what: "artist")
        var q = QueryReader(request)
        let model = q.oneOf("model", PredictionModel.allCases.map(\.rawValue))
        try q.validate()
        if let stored = try await repository.latestPrediction(companyID: scope.companyID, artistID: artistID, model: model) { return stored }
        guard try await repository.artistExists(companyID: scope.companyID, artistID: artistID) else { throw APIError.notFound("artist") }
        throw APIError.predictionNotFound
    }
}
