package dsn

// famSurfControl: not recognised yet.
var famSurfControl = family{name: "surfcontrol"}
