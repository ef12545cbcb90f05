package dsn

// famPowerMTA: not recognised yet.
var famPowerMTA = family{name: "powermta"}
