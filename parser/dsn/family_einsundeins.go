package dsn

// famEinsUndEins: not recognised yet.
var famEinsUndEins = family{name: "einsundeins"}
