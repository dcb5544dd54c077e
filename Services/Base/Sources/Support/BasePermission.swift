/// Permission names Platform Core seeds for the Base module (`basic.<feature>.read` / `.write`, the spec's
/// "basic.* permissions"). Each feature adds its pair here when its routes arrive; reference data
/// (countries, regions, genres) needs none: every member of a company with Base enabled reads it.
public enum BasePermission {
    /// The module gate every tenant route of Base sits behind: Platform Core's module `basic`.
    public static let module = "basic"
}
