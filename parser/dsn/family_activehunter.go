package dsn

// famActiveHunter: not recognised yet.
var famActiveHunter = family{name: "activehunter"}
