package dsn

// famBiglobe: not recognised yet.
var famBiglobe = family{name: "biglobe"}
