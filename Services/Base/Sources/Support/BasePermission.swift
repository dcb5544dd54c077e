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
    /// Base's Venues group: the company's venue links, contacts, documents and inquiries over Venue's inventory.
    public static let venuesRead = "basic.venues.read"
    public static let venuesWrite = "basic.venues.write"
    /// Events (an event's venue here; the events helper adds the rest).
    public static let eventsRead = "basic.events.read"
    public static let eventsWrite = "basic.events.write"
}
