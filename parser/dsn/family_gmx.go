package dsn

// famGMX: not recognised yet.
var famGMX = family{name: "gmx"}
