package dsn

// famX6: not recognised yet.
var famX6 = family{name: "x6"}
