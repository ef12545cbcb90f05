package dsn

// famX4: not recognised yet.
var famX4 = family{name: "x4"}
