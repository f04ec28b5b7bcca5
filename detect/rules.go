package detect

// Rules decide each event's score, reasons and alert flag.
type Rules struct{}

// Watchlist holds IMO numbers, MMSIs and names of vessels of interest.
type Watchlist struct{}
