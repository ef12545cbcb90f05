package dsn

// famMailRu: not recognised yet.
var famMailRu = family{name: "mailru"}
