package dsn

// famBigfoot: not recognised yet.
var famBigfoot = family{name: "bigfoot"}
