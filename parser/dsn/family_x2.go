package dsn

// famX2: not recognised yet.
var famX2 = family{name: "x2"}
