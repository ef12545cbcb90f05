package dsn

// famX5: not recognised yet.
var famX5 = family{name: "x5"}
