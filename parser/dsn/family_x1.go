package dsn

// famX1: not recognised yet.
var famX1 = family{name: "x1"}
