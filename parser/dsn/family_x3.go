package dsn

// famX3: not recognised yet.
var famX3 = family{name: "x3"}
