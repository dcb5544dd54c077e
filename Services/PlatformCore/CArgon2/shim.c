// Intentionally empty: the module only re-exports argon2.h.
