package dsn

// famPostfix: not recognised yet.
var famPostfix = family{name: "postfix"}
