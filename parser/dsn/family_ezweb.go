package dsn

// famEZweb: not recognised yet.
var famEZweb = family{name: "ezweb"}
