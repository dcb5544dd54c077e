import Foundation
import Hummingbird
import KisumKernel

/// The body of `POST /api/artists/{id}/prediction`, `…/prediction-v2` and `…/prediction-v3`.
struct PredictionRequest: Decodable, Sendable, ValidatableBody {
    var date: String?
    var countryId: UUID?
    var city: String?
    var capacity: Int?

    func validate(_ v: inout Validator) {
        ArtistShowRules.dateInRange(date, "date", required: true, &v)
        v.text(city, "city", required: false, maxLength: 100)
        v.range(capacity, "capacity", 0...ArtistShowRules.maxCount)
    }

    /// The validated query (city trimmed; blank was refused by `validate`).
    var query: PredictionQuery {
        PredictionQuery(date: date ?? "", countryId: countryId, city: city?.trimmingCharacters(in: .whitespacesAndNewlines), capacity: capacity)
    }
}

/// A prediction as stored in `artist_predictions` and answered by the POST that made it and by
/// `GET /api/artists/{id}/prediction` (the latest).
struct StoredPrediction: Codable, Sendable, ResponseEncodable {
    var id: UUID
    var artistId: UUID
    var model: String
    var input: PredictionQuery
    var output: PredictionResult
    var createdBy: UUID?
    var createdAt: Date
}

extension APIError {
    /// No played show with tickets sold on or before the date: no model has anything to average.
    static let insufficientHistory = APIError(
        .unprocessableContent, code: "insufficient_history",
        message: "The artist has no played show with tickets sold on or before this date to predict from.")

    static let predictionNotFound = APIError(.notFound, code: "prediction_not_found", message: "No prediction is stored for this artist.")
}
