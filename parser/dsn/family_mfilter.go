package dsn

// famMFilter: not recognised yet.
var famMFilter = family{name: "mfilter"}
