package dsn

// famFML: not recognised yet.
var famFML = family{name: "fml"}
