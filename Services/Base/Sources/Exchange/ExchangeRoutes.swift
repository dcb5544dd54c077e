import Foundation
import Hummingbird
import KisumKernel

/// Exchange: the stored rates and conversion with them (issue 10, "Exchange rates are stored, dated records …
/// conversion uses the rate of the transaction date and says which rate it used; no network call at request
/// time, and a missing rate is a clear 422, never a silent 1.0"). Rates are reference data every member of a
/// company with Base reads (no permission, like countries); manual rates are the company's business settings
/// (`basic.companies.write`).
struct ExchangeRoutes: Sendable {
    typealias Context = BaseService.Context
    let repository: ExchangeRepository

    func addRoutes(to tenant: RouterGroup<Context>) {
        let exchange = tenant.group("/api/exchange")
        exchange.get("rates", use: rates)
        exchange.post("rates", use: createRate)
        exchange.delete("rates/{id}", use: deleteRate)
        exchange.get("convert", use: convert)
    }

    @Sendable func rates(_ request: Request, context: Context) async throws -> Page<ExchangeRate> {
        _ = try context.requireAccess()
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let page = q.page(defaultLimit: 50, maxLimit: 200)
        let filter = ExchangeRepository.RateFilter(base: q.currency("base"), quote: q.currency("quote"),
                                                   source: q.oneOf("source", ["ecb", "manual"]), day: q.calendarDate("date"),
                                                   from: q.calendarDate("from"), to: q.calendarDate("to"))
        try q.validate()
        var v = Validator()
        if filter.day != nil, filter.from != nil || filter.to != nil {
            v.add("date", "exclusive", "Give either date (the rates in force that day) or from/to (a range), not both.")
        }
        if let from = filter.from, let to = filter.to, from > to { v.add("to", "before_start", "to must be on or after from.") }
        try v.validate()
        let result = try await repository.rates(companyID: companyID, filter, page: page)
        return Page(items: result.items, total: result.total, request: page)
    }

    @Sendable func convert(_ request: Request, context: Context) async throws -> CurrencyConversion {
        _ = try context.requireAccess()
        let companyID = try context.requireCompany()
        var q = QueryReader(request)
        let amount = q.int("amountMinor", range: -Int(MinorUnits.max)...Int(MinorUnits.max))
        let from = q.currency("from")
        let to = q.currency("to")
        let day = q.calendarDate("date") ?? CalendarDate.today()
        for name in ["amountMinor", "from", "to"] where request.uri.queryParameters.get(name) == nil {
            q.add(name, "required", "This parameter is required.")
        }
        try q.validate()
        try ExchangeErrors.checkKnown([("from", from), ("to", to)])
        guard let amount, let from, let to else { throw APIError.badRequest("invalid_query", "amountMinor, from and to are required.") }
        switch try await repository.convert(companyID: companyID, amount: Int64(amount), from: from, to: to, day: day) {
        case .converted(let conversion): return conversion
        case .noRate: throw APIError.exchangeRateMissing(from: from, to: to, day: day, field: "to")
        case .outOfRange: throw ExchangeErrors.amountOutOfRange()
        }
    }

    @Sendable func createRate(_ request: Request, context: Context) async throws -> EditedResponse<ExchangeRate> {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let body = try await request.decodeValid(as: ManualRateInput.self, context: context)
        let rate = try await repository.createManual(companyID: scope.companyID, userID: scope.userID, body)
        return EditedResponse(status: .created, response: rate)
    }

    @Sendable func deleteRate(_ request: Request, context: Context) async throws -> Response {
        let scope = try context.tenant(permission: BasePermission.companiesWrite)
        let id = try context.parameters.uuid("id", what: "exchange rate")
        guard try await repository.deleteManual(companyID: scope.companyID, id: id) else { throw APIError.notFound("exchange rate") }
        return Response(status: .noContent)
    }
}
