package dsn

// famKDDI: not recognised yet.
var famKDDI = family{name: "kddi"}
