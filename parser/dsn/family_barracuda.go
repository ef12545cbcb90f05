package dsn

// famBarracuda: not recognised yet.
var famBarracuda = family{name: "barracuda"}
