import Foundation
import KisumKernel

/// One hit of the company-wide search: what kind of record it is, its id and name, a line that tells two
/// hits of the same name apart, and how well the name matched (trigram similarity, 0…1).
struct SearchHit: Codable, Sendable, Equatable {
    var kind: String
    var id: UUID
    var name: String
    var detail: String?
    var score: Double
}

/// The kinds the search covers, each with the permission that reads it: a caller sees only the kinds their
/// access lets them list anyway, so the search never reveals a record its own list would hide.
enum SearchKind: String, CaseIterable, Sendable {
    case artist, agency, event, festival, venue

    var permission: String {
        switch self {
        case .artist: BasePermission.artistsRead
        case .agency: BasePermission.agenciesRead
        case .event: BasePermission.eventsRead
        case .festival: BasePermission.festivalsRead
        case .venue: BasePermission.venuesRead
        }
    }

    static let names = allCases.map(\.rawValue)
}
