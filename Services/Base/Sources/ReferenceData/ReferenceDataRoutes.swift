import Foundation
import Hummingbird
import KisumKernel

/// Countries, Regions and Genres: read-only reference data, the same for every tenant and changed only by
/// migrations, so any member of a company with Base enabled reads it (the tenant group checks membership and
/// the module) and no handler asks for a permission.
struct ReferenceDataRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ReferenceDataRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let countries = tenant.group("/api/countries")
        countries.get("", use: listCountries)
        countries.get("search", use: searchCountries)
        countries.get("iso/{code}", use: countryByISO)
        countries.get("{id}", use: country)
        let regions = tenant.group("/api/regions")
        regions.get("", use: listRegions)
        regions.get("{id}", use: region)
        regions.get("{id}/countries", use: regionCountries)
        let genres = tenant.group("/api/genres")
        genres.get("", use: listGenres)
    }

    @Sendable func listCountries(_ request: Request, context: Context) async throws -> Page<Country> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 250)
        let filter = CountryFilter(q: q.search(maxLength: 100), regionID: q.uuid("regionId"), currency: q.currency("currency"))
        try q.validate()
        let result = try await repository.countries(filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    /// `q` is required here (the list takes it as an optional filter).
    @Sendable func searchCountries(_ request: Request, context: Context) async throws -> Page<Country> {
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 20, maxLimit: 250)
        let text = q.search(maxLength: 100)
        if text?.allSatisfy(\.isWhitespace) ?? q.issues.isEmpty {
            q.add("q", "required", "Give the text to search for.")
        }
        try q.validate()
        let result = try await repository.countries(CountryFilter(q: text), page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func country(_ request: Request, context: Context) async throws -> Country {
        let id = try context.parameters.uuid("id", what: "country")
        return try await repository.country(id: id).orNotFound("country")
    }

    @Sendable func countryByISO(_ request: Request, context: Context) async throws -> Country {
        let code = try context.parameters.require("code")
        guard let iso = LetterCode.uppercased(code, lengths: 2...3) else { throw APIError.notFound("country") }
        return try await repository.country(isoCode: iso).orNotFound("country")
    }

    @Sendable func listRegions(_ request: Request, context: Context) async throws -> [Region] {
        try await repository.regions()
    }

    @Sendable func region(_ request: Request, context: Context) async throws -> Region {
        let id = try context.parameters.uuid("id", what: "region")
        return try await repository.region(id: id).orNotFound("region")
    }

    @Sendable func regionCountries(_ request: Request, context: Context) async throws -> Page<Country> {
        let id = try context.parameters.uuid("id", what: "region")
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 250)
        try q.validate()
        let result = try await repository.countries(CountryFilter(regionID: id), page: page)
        // Every region has countries, so only an empty answer needs to tell "no such region" from a page past the end.
        if result.total == 0 { _ = try await repository.region(id: id).orNotFound("region") }
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func listGenres(_ request: Request, context: Context) async throws -> [Genre] {
        var q = QueryReader(request)
        let text = q.search(maxLength: 100)
        let parentID = q.uuid("parentId")
        let topLevel = q.bool("topLevel")
        try q.validate()
        return try await repository.genres(q: text, parentID: parentID, topLevel: topLevel)
    }
}
