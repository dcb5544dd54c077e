import Foundation
import Hummingbird
import KisumKernel

/// A country's states (ISO 3166-2) and cities (GeoNames): reference data like the countries themselves, read by
/// any member of a company with Base enabled, no permission needed.
struct PlacesRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: PlacesRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let countries = tenant.group("/api/countries")
        countries.get("{id}/states", use: states)
        countries.get("{id}/cities", use: cities)
    }

    @Sendable func states(_ request: Request, context: Context) async throws -> Page<CountryState> {
        let id = try context.parameters.uuid("id", what: "country")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 250)
        let text = q.search(maxLength: 100)
        try q.validate()
        let result = try await repository.states(countryID: id, q: text, page: page)
        try await requireCountry(id, whenEmpty: result.total)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func cities(_ request: Request, context: Context) async throws -> Page<City> {
        let id = try context.parameters.uuid("id", what: "country")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 250)
        let text = q.search(maxLength: 100)
        let stateID = q.uuid("stateId")
        let sort = q.oneOf("sort", CitySort.allCases.map(\.rawValue)).flatMap(CitySort.init(rawValue:)) ?? .population
        try q.validate()
        let result = try await repository.cities(countryID: id, q: text, stateID: stateID, sort: sort, page: page)
        try await requireCountry(id, whenEmpty: result.total)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// An empty answer must still tell "no such country" (404) from "nothing matches" (an empty page).
    func requireCountry(_ id: UUID, whenEmpty total: Int) async throws {
        if total == 0, try await !repository.countryExists(id) { throw APIError.notFound("country") }
    }
}
