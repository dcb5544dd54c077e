/// Permission names Platform Core seeds for the Base module (`basic.<feature>.read` / `.write`, the spec's
/// "basic.* permissions", listed in Platform Core's `0002_catalog.sql`). Reference data (countries, regions,
/// genres) needs none: every member of a company with Base enabled reads it.
public enum BasePermission {
    /// The module gate every tenant route of Base sits behind: Platform Core's module `basic`.
    public static let module = "basic"

    /// Artists and everything hanging off one (contacts, platforms, history, bio, predictions) and the
    /// company's own roster: the catalog has no separate roster or artist-contact permission.
    public static let artistsRead = "basic.artists.read"
    public static let artistsWrite = "basic.artists.write"
    /// Agencies with their team and roster.
    public static let agenciesRead = "basic.agencies.read"
    public static let agenciesWrite = "basic.agencies.write"
    /// Companies' business metadata (never membership), the company's own profile and settings.
    public static let companiesRead = "basic.companies.read"
    public static let companiesWrite = "basic.companies.write"
    /// Avails: artists' date holds and the shows linked to them (issue 9).
    public static let availsRead = "basic.avails.read"
    public static let availsWrite = "basic.avails.write"
    /// Agreements made from accepted offers, their PDF and attached files (issue 9).
    public static let agreementsRead = "basic.agreements.read"
    public static let agreementsWrite = "basic.agreements.write"
    /// Offers (the offer PDF here; the Offers feature uses the same names).
    public static let offersRead = "basic.offers.read"
    public static let offersWrite = "basic.offers.write"
}
